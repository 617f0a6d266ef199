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
      echo "==> installing Rust with rustup"
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
    }
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
}

step() { echo; echo "==> $*"; }

# Node.js 20 or newer (Vite 8 needs it). Debian 12's own nodejs is 18, and only package
# registries are reachable, so a machine without Node 20 is told what to install.
ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 20 ]; then
    echo "Node.js >= 20 is needed for ui/ (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "Install Node 20 LTS (e.g. from your distribution's backports or nodejs.org), then re-run." >&2
    exit 1
  fi
}

# What building and testing the Tauri app needs on Debian/Ubuntu (BUILD-NOTES.md §0).
TAURI_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev file)

# The UI built into ui/dist: the app embeds it at compile time (tauri::generate_context!).
build_ui() {
  ensure_node
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
}
