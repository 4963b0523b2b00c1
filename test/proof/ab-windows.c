/*
 * An independent load generator for side-by-side windows (docs/statistics.md, "What limits the
 * power"): a closed-loop WebSocket echo client in C (epoll, one thread, no Node, no wsbench code)
 * that keeps `conns` connections open to every server and measures them in turn, in windows of
 * `settle_ms` unmeasured then `window_ms` measured, blocks in the order 0 1 .. n-1 | n-1 .. 1 0.
 * Each connection keeps `inflight` text messages of `payload` bytes out (masked with a zero key,
 * which RFC 6455 allows); an echo is counted by its length (one unfragmented frame back).
 * One line per window: block, server index, messages per second in the measured part.
 *
 *   cc -O2 -o ab-windows test/proof/ab-windows.c
 *   ab-windows <conns> <inflight> <payload> <settle_ms> <window_ms> <blocks> <port>...
 * (test/proof/ab-windows.mjs starts the servers, builds and runs this, and sums up.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd, wantOut;
  long pending, written, partial;
} Conn;

static int frameOut, frameIn, bufLen;
static char *frames;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int dial(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a)) die("connect");
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char req[256], resp[2048];
  int n = snprintf(req, sizeof req,
                   "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                   port);
  if (write(fd, req, n) != n) die("handshake write");
  int got = 0;
  resp[0] = 0;
  while (!strstr(resp, "\r\n\r\n")) {
    int r = read(fd, resp + got, sizeof resp - 1 - got);
    if (r <= 0) die("handshake read");
    resp[got += r] = 0;
  }
  if (!strstr(resp, " 101 ")) {
    fprintf(stderr, "no 101 from port %d: %.80s\n", port, resp);
    exit(1);
  }
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

/* Writes what is pending from an endless run of identical frames. */
static void flush(Conn *c) {
  while (c->pending > 0) {
    long off = c->written % frameOut, n = c->pending < bufLen - off ? c->pending : bufLen - off;
    ssize_t w = write(c->fd, frames + off, n);
    if (w < 0) {
      if (errno == EAGAIN) return;
      die("write");
    }
    c->pending -= w;
    c->written += w;
  }
}

static void watch(int ep, Conn *c) {
  int want = c->pending > 0;
  if (want == c->wantOut) return;
  c->wantOut = want;
  struct epoll_event e = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
}

/* One window of server s: returns messages per second over its measured part. */
static double window(int ep, Conn *cs, int conns, int inflight, double settle, double measured) {
  static char rb[1 << 16];
  struct epoll_event evs[256];
  double t0 = now(), from = t0 + settle, to = from + measured;
  long counted = 0, outstanding = (long)conns * inflight;
  for (int i = 0; i < conns; i++) {
    cs[i].pending += (long)inflight * frameOut;
    flush(&cs[i]);
    watch(ep, &cs[i]);
  }
  while (outstanding > 0) {
    int n = epoll_wait(ep, evs, 256, 1), sending = now() < to;
    for (int k = 0; k < n; k++) {
      Conn *c = evs[k].data.ptr;
      for (;;) {
        ssize_t r = read(c->fd, rb, sizeof rb);
        if (r < 0 && errno == EAGAIN) break;
        if (r <= 0) die("read (the server closed?)");
        c->partial += r;
        long done = c->partial / frameIn;
        c->partial %= frameIn;
        outstanding -= done;
        double t = now();
        if (t >= from && t < to) counted += done;
        if (sending) {
          c->pending += done * frameOut;
          outstanding += done;
        }
      }
      flush(c);
      watch(ep, c);
    }
  }
  return counted / measured;
}

int main(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: ab-windows <conns> <inflight> <payload> <settle_ms> <window_ms> <blocks> <port>...\n");
    return 2;
  }
  int conns = atoi(argv[1]), inflight = atoi(argv[2]), payload = atoi(argv[3]), blocks = atoi(argv[6]);
  double settle = atoi(argv[4]) / 1000.0, measured = atoi(argv[5]) / 1000.0;
  int servers = argc - 7, head = payload < 126 ? 2 : payload < 65536 ? 4 : 10;
  if (head == 10) {
    fprintf(stderr, "payload: at most 65535 bytes\n");
    return 2;
  }
  frameOut = head + 4 + payload;
  frameIn = head + payload;
  bufLen = frameOut * 64;
  frames = malloc(bufLen);
  for (int k = 0; k < 64; k++) {
    unsigned char *f = (unsigned char *)frames + k * frameOut;
    f[0] = 0x81;
    if (head == 2) {
      f[1] = 0x80 | payload;
    } else {
      f[1] = 0x80 | 126;
      f[2] = payload >> 8;
      f[3] = payload & 255;
    }
    memset(f + head, 0, 4);
    memset(f + head + 4, 'a', payload);
  }
  int ep = epoll_create1(0);
  Conn *cs = calloc((size_t)servers * conns, sizeof(Conn));
  for (int s = 0; s < servers; s++)
    for (int i = 0; i < conns; i++) {
      Conn *c = &cs[s * conns + i];
      c->fd = dial(atoi(argv[7 + s]));
      struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
      epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
    }
  for (int b = 0; b < blocks; b++)
    for (int j = 0; j < servers; j++) {
      int s = b % 2 == 0 ? j : servers - 1 - j;
      double rate = window(ep, &cs[s * conns], conns, inflight, settle, measured);
      printf("%d %d %.0f\n", b, s, rate);
      fflush(stdout);
    }
  return 0;
}
