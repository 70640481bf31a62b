// PASS/FAIL rows of an end-to-end suite and its last line, `<suite>: N passed, M failed`.
import { log } from '../../stack/provision.mjs';

export function createReport(suite) {
	const started = Date.now();
	const results = [];
	const record = (name, ok, ms, detail) => {
		results.push({ name, ok });
		log(`${ok ? 'PASS' : 'FAIL'}  ${name}  (${(ms / 1000).toFixed(1)} s)`);
		if (!ok && detail) log(detail.replace(/^/gm, '      '));
	};
	/** Prints the total and the summary line; exits non-zero unless every row passed. */
	const finish = () => {
		const passed = results.filter((r) => r.ok).length;
		const failed = results.length - passed;
		log(`\ntotal time ${((Date.now() - started) / 1000).toFixed(1)} s`);
		log(`${suite}: ${passed} passed, ${failed} failed`);
		process.exit(failed === 0 && passed > 0 ? 0 : 1);
	};
	return { record, finish };
}
