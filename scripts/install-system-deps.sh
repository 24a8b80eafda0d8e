#!/usr/bin/env bash
# System packages the rendering tests need (Debian/Ubuntu): LibreOffice for .docx -> PDF,
# poppler for PDF text/PNG, Noto CJK so Chinese renders, Chromium for the site's browser test.
# Installs only what is missing; elsewhere (no apt, not root) it says so and the tests that
# need these packages skip.
set -u
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing system packages (tests that need them will skip): ${need[*]}"
fi
exit 0
