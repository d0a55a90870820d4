#!/usr/bin/env bash
# Build the macOS .app and .dmg, then sign, notarise and staple where credentials are present.
# Each step without its credentials is skipped with a note, so an unsigned local build still works.
#
#   MACOS_CODESIGN_IDENTITY  "Developer ID Application: Example Ltd (TEAMID)"  -> signs .app and .dmg
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password)     -> notarises and staples
#
# Usage: packaging/macos/release.sh   (from the repository root, on macOS)
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=$(uv run python -c "from importlib.metadata import version; print(version('customer-console'))")
APP="dist/Customer Console.app"
DMG="dist/CustomerConsole-${VERSION}.dmg"

uv run --group packaging python packaging/build.py --no-nsis   # icons, .app, smoke start

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    echo "Signing $APP with the hardened runtime"
    codesign --force --deep --options runtime --timestamp \
        --entitlements packaging/macos/entitlements.plist \
        --sign "$MACOS_CODESIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
else
    echo "MACOS_CODESIGN_IDENTITY not set: the .app stays unsigned (Gatekeeper will warn users)"
fi

rm -f "$DMG"
uv run --group packaging dmgbuild -s packaging/macos/dmg_settings.py -D app="$APP" "Customer Console" "$DMG"

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$MACOS_CODESIGN_IDENTITY" "$DMG"
fi

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
        && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    echo "Notarising $DMG (waits for Apple's answer)"
    xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" --wait
    echo "Stapling the notarisation ticket"
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
else
    echo "Notarisation skipped: it needs MACOS_CODESIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD"
fi
echo "Built $DMG"
