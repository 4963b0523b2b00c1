/** The same protocol as socket.io (Engine.IO v4 / Socket.IO v5): the socket.io codec itself. */
export { codec } from '../socket.io/codec.js';
