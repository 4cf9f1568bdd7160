; electron-builder NSIS include (build/electron-builder.yml nsis.include).
; Records how the client was installed, read by the auto update (docs/update.md,
; electron/update-setup.ts): HKCU\Software\innovaphone\myApps\Install "Kind" = nsis.
; SHCTX is HKCU for our per-user NSIS (perMachine: false). A sub key, so the managed-settings
; reader (values of ...\myApps only) never sees it.
!macro customInstall
  WriteRegStr SHCTX "Software\innovaphone\myApps\Install" "Kind" "nsis"
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\innovaphone\myApps\Install"
!macroend
