/**
 * The Engine API client's transport over Node's \`ws\`, shared with the fault harness
 * (scripts/faults/ws-transport.ts): reconnects after a drop and can drop its connection on purpose.
 */
export { WsTransport as NodeWsTransport } from '../../scripts/faults/ws-transport.ts';
