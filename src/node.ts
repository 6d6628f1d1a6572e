/** `mosaik-react/node`: Node-only relay server, CLI and ticket issuing (docs/API.md "Node"). */
export {
  type IssueJwtTicketOptions,
  issueJwtTicket,
  type JwtTicketHandlerOptions,
  jwtTicketHandler,
  main,
  type Relay,
  type RelayOptions,
  startRelay,
  type TicketKey,
} from './node/index.js'
