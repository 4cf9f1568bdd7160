/**
 * Connect service: server string, connect flow state machine, certificate decisions, and
 * proxy-aware Node-side HTTPS (HTTP CONNECT, proxy authentication, credential store).
 */
export * from './flow';
export * from './certificates';
export * from './net';
export * from './proxy';
export * from './credentials';
export * from './preflight';
export type * from './ports';
