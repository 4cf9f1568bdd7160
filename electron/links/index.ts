export { LinkService, type LinkServiceOptions, type LinkOutcome } from './service';
export { startLinkHandoffServer, sendLinkHandoff, type LinkHandoffServer } from './handoff';
export type * from './ports';
