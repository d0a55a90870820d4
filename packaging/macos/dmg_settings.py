# dmgbuild settings for Customer Console (https://dmgbuild.readthedocs.io/).
# Run by packaging/macos/release.sh as:
#   dmgbuild -s packaging/macos/dmg_settings.py -D app="dist/Customer Console.app" "Customer Console" out.dmg
# ruff: noqa
# mypy: ignore-errors
import os.path

application = defines.get("app", "dist/Customer Console.app")  # noqa: F821 - given by dmgbuild
appname = os.path.basename(application)

format = "UDZO"
size = None
files = [application]
symlinks = {"Applications": "/Applications"}
badge_icon = None
icon_locations = {appname: (140, 160), "Applications": (400, 160)}
window_rect = ((200, 200), (540, 340))
default_view = "icon-view"
show_icon_preview = False
icon_size = 96
text_size = 13
