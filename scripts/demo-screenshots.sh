#!/usr/bin/env bash
# Retakes the demo's screenshots shown in the README (docs/images/demo-*.png): runs the browser
# test that captures them, with the images folder as its destination.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
SENTE_DEMO_SCREENSHOTS="$root/docs/images" dotnet test tests/Orleans.Sente.Browser.Tests -c Release -nologo \
  --filter "FullyQualifiedName~DemoScreenshotTests.The_demo_in_a_conversation_and_with_an_offline_recipient_is_captured_as_screenshots"
