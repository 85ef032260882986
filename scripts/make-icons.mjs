// Renders every icon the app and its installers need from the one source, assets/icon.svg:
//   assets/icons/NxN.png        app icon, 16..1024 (Linux packages, window icon)
//   assets/icon.png             1024 px (electron-builder's default source)
//   assets/icon.ico             Windows app icon (16..256)
//   assets/icon.icns            macOS app icon (16..1024, @1x and @2x)
//   assets/tray/trayTemplate.png, trayTemplate@2x.png   macOS menu bar (black + alpha; the OS tints it)
//   assets/tray/tray-16.png, tray-32.png, tray.ico       Linux and Windows tray (colour)
// The outputs are committed; run `node scripts/make-icons.mjs` after editing the SVG.
// Rasterised with @resvg/resvg-js (its prebuilt binary ships in the npm package); ICO and ICNS are
// written here, so no system tools are needed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(root, 'assets');
const source = readFileSync(path.join(assets, 'icon.svg'), 'utf8');

/** Extra CSS appended to the SVG's own: it picks the group (app or tray) and the colours. */
const VARIANTS = {
  app: '',
  tray: '.app { display: none; } .tray { display: inline; }',
  template: '.app { display: none; } .tray { display: inline; } .ring, .colon { fill: #000000; } .glass { display: none; }',
};

function render(variant, size) {
  const svg = source.replace('</svg>', `<style>${VARIANTS[variant]}</style></svg>`);
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render();
  return { png: image.asPng(), rgba: image.pixels, size };
}

function write(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  console.log(`${path.relative(root, file)}  ${data.length} bytes`);
}

/**
 * ICO: small sizes as 32-bit BMP (every Windows tool reads those, NSIS included), 256 as PNG (the
 * format Windows expects at that size).
 */
function ico(images) {
  const entries = images.map((img) => (img.size >= 256 ? img.png : bmpEntry(img)));
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((img, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(img.size >= 256 ? 0 : img.size, at);
    header.writeUInt8(img.size >= 256 ? 0 : img.size, at + 1);
    header.writeUInt8(0, at + 2);
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(entries[i].length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += entries[i].length;
  });
  return Buffer.concat([header, ...entries]);
}

function bmpEntry({ rgba, size }) {
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // XOR bitmap + AND mask, as ICO wants
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  info.writeUInt32LE(0, 16);
  info.writeUInt32LE(size * size * 4, 20);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y; // bottom-up
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4;
      const d = (row * size + x) * 4;
      // resvg's pixels are premultiplied; a BMP in an ICO carries straight alpha.
      const a = rgba[s + 3];
      const straight = (c) => (a === 0 ? 0 : Math.min(255, Math.round((c * 255) / a)));
      pixels[d] = straight(rgba[s + 2]);
      pixels[d + 1] = straight(rgba[s + 1]);
      pixels[d + 2] = straight(rgba[s]);
      pixels[d + 3] = a;
    }
  }
  const maskRow = Math.ceil(size / 32) * 4;
  const mask = Buffer.alloc(maskRow * size); // all zero: alpha decides
  return Buffer.concat([info, pixels, mask]);
}

/** ICNS with PNG payloads, the types iconutil writes. */
function icns(bySize) {
  const types = [
    ['icp4', 16],
    ['icp5', 32],
    ['ic11', 32],
    ['ic12', 64],
    ['ic07', 128],
    ['ic13', 256],
    ['ic08', 256],
    ['ic14', 512],
    ['ic09', 512],
    ['ic10', 1024],
  ];
  const chunks = types.map(([type, size]) => {
    const png = bySize.get(size).png;
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const app = new Map(APP_SIZES.map((size) => [size, render('app', size)]));
for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) write(path.join(assets, 'icons', `${size}x${size}.png`), app.get(size).png);
write(path.join(assets, 'icon.png'), app.get(1024).png);
write(path.join(assets, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((s) => app.get(s))));
write(path.join(assets, 'icon.icns'), icns(app));

const tray = path.join(assets, 'tray');
write(path.join(tray, 'trayTemplate.png'), render('template', 16).png);
write(path.join(tray, 'trayTemplate@2x.png'), render('template', 32).png);
write(path.join(tray, 'tray-16.png'), render('tray', 16).png);
write(path.join(tray, 'tray-32.png'), render('tray', 32).png);
// 16 at 100 %, 20/24 at 125/150 %, 32 at 200 % scaling.
write(path.join(tray, 'tray.ico'), ico([16, 20, 24, 32, 48].map((s) => render('tray', s))));
