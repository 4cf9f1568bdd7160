export * from './chord';
export { HotkeyService, HOTKEY_FUNCTIONS, cleanSelection, selectionProblem, type HotkeyFunction, type HotkeySettings, type HotkeyState, type HotkeyStatus, type HotkeyServiceOptions } from './service';
export { detectDisplaySession, sessionNotice, type DisplaySession } from './session';
export type * from './ports';
