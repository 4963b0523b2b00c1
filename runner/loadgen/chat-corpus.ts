/**
 * A built-in set of realistic chat traffic (`--messages chat`), generated here: JSON with the
 * keys a chat app repeats in every event (type, room, user, ts) and natural text, of the sizes
 * such events have. Deterministic (a fixed seed), so every run and every library sees the same.
 */

const NAMES = [
  'Alice',
  'Bob',
  'Carmen',
  'Dmitri',
  'Elif',
  'Farah',
  'Guo Wei',
  'Hannah',
  'Ines',
  'Jonas',
  'Kofi',
  'Lena',
];
const ROOMS = ['general', 'random', 'dev-backend', 'design', 'support', 'release-planning'];
const EMOJI = ['👍', '🎉', '😂', '❤️', '👀', '🚀'];
/** Everyday words, most frequent first: text is drawn from them with Zipf-like odds. */
const WORDS = (
  'the I to a and is it you that of in for this on we be have not but with so can just do are was what if at ' +
  'think will my me get know about like one all they there up out now ok yes no our need should would time ' +
  'today tomorrow yesterday morning afternoon tonight week weekend meeting call build test deploy release branch ' +
  'merge review fix bug issue ticket page server client login password cache database query index table column ' +
  'design draft doc slide deck budget invoice customer team manager lunch coffee train flight hotel office home ' +
  'remote late early soon again still already maybe probably actually really great good nice bad weird strange ' +
  'broken slow fast failing passing green red blue new old last next first second quick small big whole half ' +
  'minutes hours days sorry thanks please wait check look try run push pull send share open close start stop ' +
  'move keep find make take give tell ask said saw went came left right back down over into after before ' +
  'because since until while though anyway also too very more less much many some any every each other ' +
  'someone anyone everyone nobody something anything nothing everything here where when why how who which ' +
  'Monday Tuesday Wednesday Thursday Friday Berlin Lisbon Tokyo Toronto Nairobi Seoul staging production ' +
  'Safari Chrome Firefox Android iPhone laptop screen keyboard battery wifi VPN config logs metrics alert ' +
  'dashboard graph spike latency timeout retry error warning crash memory leak CPU disk network socket'
).split(' ');
const PUNCT = ['.', '.', '.', '?', '!', '...', ' :)', ' 😅', ' 👍'];

/** `count` chat events as UTF-8 JSON texts. */
export function chatMessages(count = 512): Buffer[] {
  let s = 20261203;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
  const pick = <T>(a: T[]): T => a[rnd(a.length)];
  const user = (): { id: string; name: string } => {
    const i = rnd(NAMES.length);
    return { id: `u_${(1000 + i * 37).toString(36)}`, name: NAMES[i] };
  };
  // Zipf-like: the square of a uniform draw favours the first (most frequent) words.
  const word = (): string => WORDS[Math.floor((rnd(1 << 16) / (1 << 16)) ** 2.2 * WORDS.length)];
  const sentence = (): string => {
    const words = Array.from({ length: 3 + rnd(12) }, word);
    if (rnd(6) === 0) words.push(String(rnd(rnd(2) ? 100 : 100000)));
    const s = words.join(' ');
    return `${s[0].toUpperCase()}${s.slice(1)}${pick(PUNCT)}`;
  };
  const text = (): string => Array.from({ length: 1 + rnd(rnd(4) === 0 ? 6 : 2) }, sentence).join(' ');
  let ts = 1764720000000;
  let id = 5_000_000;
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    ts += 200 + rnd(5000);
    const room = pick(ROOMS);
    const kind = rnd(20);
    let event: unknown;
    if (kind < 14) {
      const u = user();
      event = {
        type: 'message',
        id: `m_${(id++).toString(36)}`,
        room,
        user: { ...u, avatar: `https://cdn.example.com/avatars/${u.id}.png` },
        text: text(),
        ts,
        ...(rnd(5) === 0 ? { replyTo: `m_${(id - 1 - rnd(50)).toString(36)}` } : {}),
        mentions: rnd(6) === 0 ? [user().id] : [],
      };
    } else if (kind < 16) event = { type: 'typing', room, user: user().id, ts };
    else if (kind < 18)
      event = {
        type: 'reaction',
        room,
        messageId: `m_${(id - 1 - rnd(30)).toString(36)}`,
        emoji: pick(EMOJI),
        user: user().id,
        ts,
      };
    else if (kind < 19) event = { type: 'presence', user: user().id, status: pick(['online', 'away', 'offline']), ts };
    else event = { type: 'edit', room, id: `m_${(id - 1 - rnd(10)).toString(36)}`, text: text(), editedAt: ts };
    out.push(Buffer.from(JSON.stringify(event)));
  }
  return out;
}
