// Copy-keystroke helper for the myApps "dial selected text" hot key on macOS
// (electron/hotkeys/copy-selection.ts; client and protocol: native/copy-helper.ts; docs/hotkeys.md).
// Run (by myApps, with an argument array, never through a shell):
//   /usr/bin/osascript -l JavaScript native/mac/send-copy.js
// Long-lived: reads one command per line on stdin, answers one JSON object per line on stdout
// (stdout written through NSFileHandle: JXA's console.log goes to stderr).
//   at start -> {"ready":true,"version":1,"seq":N}
//   "seq"    -> {"seq":N}          N = NSPasteboard.generalPasteboard.changeCount
//   "copy"   -> {"copied":true}    Cmd+C sent with System Events `keystroke "c" using command down`
//             | {"error":"permission-denied"|"send-failed","message":"...","code":<errorNumber>}
//   other    -> {"error":"bad-command","message":"..."}
// stdin closed -> exit 0. The script never reads or prints pasteboard content.
//
// Permissions: sending keystrokes needs Accessibility for myApps (System Settings › Privacy &
// Security › Accessibility) and Automation › System Events. Refusals arrive as errors -1719,
// -1743, -25211 or 1002 ("osascript is not allowed to send keystrokes") and are reported as
// "permission-denied" so that myApps can tell the user where to allow it.
ObjC.import('Foundation');
ObjC.import('AppKit');

var stdout = $.NSFileHandle.fileHandleWithStandardOutput;
function reply(obj) {
  stdout.writeData($(JSON.stringify(obj) + '\n').dataUsingEncoding($.NSUTF8StringEncoding));
}

function changeCount() {
  return Number($.NSPasteboard.generalPasteboard.changeCount);
}

// The user still holds the modifiers of the hot-key chord (e.g. Control for ctrl+F9) when the
// request arrives; a synthetic Cmd+C would then reach the application as Ctrl+Cmd+C. Wait (at
// most 1 s) until Shift, Control, Option and Command are released, then send anyway.
var MODIFIER_MASK = (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20);
function waitForModifiersUp() {
  for (var i = 0; i < 100; i++) {
    if ((Number($.NSEvent.modifierFlags) & MODIFIER_MASK) === 0) return;
    delay(0.01);
  }
}

var systemEvents = null;
function copy() {
  try {
    waitForModifiersUp();
    if (!systemEvents) systemEvents = Application('System Events');
    systemEvents.keystroke('c', { using: 'command down' });
    return { copied: true };
  } catch (e) {
    var n = e && e.errorNumber;
    var msg = String((e && e.message) || e);
    var denied = n === -1719 || n === -1743 || n === -25211 || n === 1002 ||
      /assistive access|not allowed to send keystrokes|not authori[sz]ed|not permitted/i.test(msg);
    return { error: denied ? 'permission-denied' : 'send-failed', message: msg, code: typeof n === 'number' ? n : null };
  }
}

function run() {
  reply({ ready: true, version: 1, seq: changeCount() });
  var stdin = $.NSFileHandle.fileHandleWithStandardInput;
  var buffer = '';
  for (;;) {
    var data = stdin.availableData; // blocks until input arrives; empty at end of input
    if (Number(data.length) === 0) break;
    buffer += $.NSString.alloc.initWithDataEncoding(data, $.NSUTF8StringEncoding).js;
    var nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      var cmd = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (cmd === 'seq') reply({ seq: changeCount() });
      else if (cmd === 'copy') reply(copy());
      else if (cmd !== '') reply({ error: 'bad-command', message: 'unknown command: ' + cmd });
    }
  }
  return '';
}
