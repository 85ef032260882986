#!/bin/bash
# deb/rpm post-remove: undo after-install.sh (the `porthole` command link and the AppArmor profile).
# A template like after-install.sh: ${executable} and ${sanitizedProductName} are filled in.

CLI='/opt/${sanitizedProductName}/resources/bin/porthole'
LINK='/usr/bin/${executable}'

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' "$CLI" || true
fi
# Without alternatives (or if it was a plain link), remove our link, never someone else's file.
if [ -L "$LINK" ] && [ "$(readlink "$LINK")" = "$CLI" ]; then
    rm -f "$LINK"
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
