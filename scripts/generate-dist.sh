#!/usr/bin/env bash
# Writes dist/completions/ (bash, zsh, fish) and dist/man/cxd.1 from the current command
# definitions. Run it after changing a command: Tests/CXDTests/DistributionFilesTests.swift fails
# while the shipped files differ from what the binary generates.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

swift build --product cxd
cxd=.build/debug/cxd
mkdir -p dist/completions dist/man
"$cxd" --generate-completion-script bash > dist/completions/cxd.bash
"$cxd" --generate-completion-script zsh > dist/completions/_cxd
"$cxd" --generate-completion-script fish > dist/completions/cxd.fish

# swift-argument-parser's generate-manual plugin: builds the package (debug, reusing the build
# above) and runs its generate-manual tool on cxd's --experimental-dump-help. Offline: the tool
# is built from the swift-argument-parser checkout the package already resolved.
swift package generate-manual --configuration debug >/dev/null
cp .build/plugins/GenerateManual/outputs/cxd/cxd.1 dist/man/cxd.1
echo "wrote dist/completions/{cxd.bash,_cxd,cxd.fish} and dist/man/cxd.1"
