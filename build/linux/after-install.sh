#!/bin/bash
# deb/rpm post-install. electron-builder's default script, with one change: /usr/bin/porthole is
# the command-line tool (resources/bin/porthole, which runs the bundled CLI), not the GUI binary;
# the desktop entry starts the GUI by its full path. This file is a template: electron-builder
# replaces ${executable} and ${sanitizedProductName}, so plain shell variables are written $name.

APP_DIR='/opt/${sanitizedProductName}'
CLI="$APP_DIR/resources/bin/porthole"
LINK='/usr/bin/${executable}'

chmod 0755 "$CLI" || true

if type update-alternatives >/dev/null 2>&1; then
    # A plain link left by an older install (or electron-builder's default) would block the alternative.
    if [ -L "$LINK" ] && [ "$(readlink "$LINK")" != '/etc/alternatives/${executable}' ]; then
        rm -f "$LINK"
    fi
    update-alternatives --install "$LINK" '${executable}' "$CLI" 100 || ln -sf "$CLI" "$LINK"
else
    ln -sf "$CLI" "$LINK"
fi

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
    chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile for Ubuntu 24.04+, which restricts unprivileged user namespaces (as upstream).
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi
