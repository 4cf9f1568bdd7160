export { HotkeyService, HOTKEY_FUNCTIONS, cleanSelection, selectionProblem, type HotkeyFunction, type HotkeySettings, type HotkeyState, type HotkeyStatus, type HotkeyServiceOptions } from './service';
export { CopySelectionReader, type CopySelectionOptions, type CopySelectionStats } from './copy-selection';
export { CopyKeystrokeError } from './ports';
export type * from './ports';
