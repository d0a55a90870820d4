#!/usr/bin/env bash
# Build the macOS .app and .dmg, then sign, notarise and staple where credentials are present.
# Each step without its credentials is skipped with a note, so an unsigned local build still works.
#
#   MACOS_CODESIGN_IDENTITY  "Developer ID Application: Example Ltd (TEAMID)", in the keychain
#                            -> PyInstaller signs every binary and the .app with it (hardened runtime,
#                               packaging/macos/entitlements.plist); this script signs the .dmg
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password)
#                            -> notarises the .dmg (`notarytool submit --wait`) and staples the ticket
#
# Usage: packaging/macos/release.sh   (from anywhere, on macOS)
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=$(uv run python -c "from importlib.metadata import version; print(version('customer-console'))")
APP="dist/Customer Console.app"
DMG="dist/CustomerConsole-${VERSION}.dmg"

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    echo "Signing with '$MACOS_CODESIGN_IDENTITY' while PyInstaller builds the .app"
    # The spec reads MACOS_CODESIGN_IDENTITY; PyInstaller signs each binary, then the bundle. By
    # default it only warns when signing fails and does not verify: make both hard errors.
    export PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR=1 PYINSTALLER_VERIFY_BUNDLE_SIGNATURE=1
else
    echo "MACOS_CODESIGN_IDENTITY not set: the .app gets PyInstaller's ad-hoc signature only (Gatekeeper will warn users)"
fi

# Icons, the .app (signed as above), a look at its contents, and the smoke start of the signed program.
uv run --group packaging python packaging/build.py --no-nsis

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

rm -f "$DMG"
uv run --group packaging dmgbuild -s packaging/macos/dmg_settings.py -D app="$APP" "Customer Console" "$DMG"

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    echo "Signing $DMG"
    codesign --force --timestamp --sign "$MACOS_CODESIGN_IDENTITY" "$DMG"
    codesign --verify --verbose=2 "$DMG"
fi

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
        && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    echo "Notarising $DMG (waits for Apple's answer)"
    notary=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
    result=$(xcrun notarytool submit "$DMG" "${notary[@]}" --wait --output-format json)
    echo "$result"
    # notarytool exits 0 once Apple has answered, "Invalid" included: read the answer.
    field() { printf '%s' "$result" | uv run --no-sync python -c "import json, sys; print(json.load(sys.stdin).get('$1', ''))"; }
    status=$(field status)
    if [ "$status" != "Accepted" ]; then
        submission=$(field id)
        echo "Notarisation was not accepted (status: ${status:-unknown}); Apple's log follows" >&2
        if [ -n "$submission" ]; then
            xcrun notarytool log "$submission" "${notary[@]}" >&2 || true
        fi
        exit 1
    fi
    echo "Stapling the notarisation ticket"
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
else
    echo "Notarisation and stapling skipped: they need MACOS_CODESIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD"
fi
echo "Built $DMG"
