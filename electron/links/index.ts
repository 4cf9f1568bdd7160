export { LinkService, type LinkServiceOptions, type LinkOutcome } from './service';
export { startLinkHandoffServer, sendLinkHandoff, claimOrHandOff, linkHandoffEndpoint, type LinkHandoffServer, type HandoffClaim } from './handoff';
export type * from './ports';
