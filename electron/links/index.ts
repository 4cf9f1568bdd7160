export { parseLink, linksFromArgv, hasLinkScheme, MAX_LINK_LENGTH, type LinkRequest, type LinkParseResult } from './parse';
export { LinkService, type LinkServiceOptions, type LinkOutcome } from './service';
export { startLinkHandoffServer, sendLinkHandoff, type LinkHandoffServer } from './handoff';
export const LINK_SCHEMES = ['tel', 'sip', 'sips', 'im'] as const;
export type * from './ports';
