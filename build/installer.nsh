; electron-builder NSIS include (build/electron-builder.yml nsis.include).
; Records how the client was installed, read by the auto update (docs/update.md,
; electron/update-setup.ts): HKCU\Software\innovaphone\myApps\Install "Kind" = nsis.
; SHCTX is HKCU for our per-user NSIS (perMachine: false). Sub keys, so the managed-settings
; reader (values of ...\myApps only) never sees them.
;
; Registers the client for its links like the MSI does (build/msi/managed-settings.wxs): the
; schemes of common/links.ts LINK_SCHEMES (checked by scripts/packaging.test.ts), as Default Apps
; capabilities; the command puts "--" before the link (docs/security.md).
!macro myAppsUrlProtocol SCHEME
  WriteRegStr SHCTX "Software\innovaphone\myApps\Capabilities\URLAssociations" "${SCHEME}" "myApps.${SCHEME}"
  WriteRegStr SHCTX "Software\Classes\myApps.${SCHEME}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" -- "%1"'
!macroend

!macro myAppsUrlProtocolRemove SCHEME
  DeleteRegKey SHCTX "Software\Classes\myApps.${SCHEME}"
!macroend

!macro customInstall
  WriteRegStr SHCTX "Software\innovaphone\myApps\Install" "Kind" "nsis"
  WriteRegStr SHCTX "Software\innovaphone\myApps\Capabilities" "ApplicationName" "myApps"
  !insertmacro myAppsUrlProtocol tel
  !insertmacro myAppsUrlProtocol callto
  !insertmacro myAppsUrlProtocol sip
  !insertmacro myAppsUrlProtocol sips
  !insertmacro myAppsUrlProtocol im
  WriteRegStr SHCTX "Software\RegisteredApplications" "myApps" "Software\innovaphone\myApps\Capabilities"
!macroend

!macro customUnInstall
  DeleteRegKey SHCTX "Software\innovaphone\myApps\Install"
  !insertmacro myAppsUrlProtocolRemove tel
  !insertmacro myAppsUrlProtocolRemove callto
  !insertmacro myAppsUrlProtocolRemove sip
  !insertmacro myAppsUrlProtocolRemove sips
  !insertmacro myAppsUrlProtocolRemove im
  DeleteRegKey SHCTX "Software\innovaphone\myApps\Capabilities"
  DeleteRegValue SHCTX "Software\RegisteredApplications" "myApps"
!macroend
