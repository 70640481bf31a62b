// Debian's chromium for the editor check (playwright-core drives it; no browser download).
import fs from 'node:fs';
import { aptInstall } from './apt.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	await aptInstall(['chromium', 'fonts-liberation'], "Debian's chromium");
	if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
	return CHROMIUM;
}

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
