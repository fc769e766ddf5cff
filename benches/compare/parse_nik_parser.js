#!/usr/bin/env node
// Parse every NIK in a file with nik-parser (npm), the TypeScript port of nik_parse.js.
//
// Usage: node parse_nik_parser.js IN.txt
//
// The peer of `id-compare parse IN`: the lines are read into memory first (not timed), then
// `nikParser(line).isValid()` runs on each. isValid() checks the length (16), then looks the
// province, kabupaten/kota and kecamatan codes up in the package's wilayah.json; it checks
// neither the date of birth nor the serial. For a kecamatan code missing from its table,
// nik-parser 1.0.1 throws (`undefined.split`) instead of returning false, so a throw counts
// as invalid. Prints `parse <seconds> n=<N> valid=<V> per_sec=<R>`.
//
// nik-parser is installed into benches/compare/node_modules by idvalidate.sh.

'use strict';

const fs = require('fs');
const path = require('path');
const { nikParser } = require(path.join(__dirname, 'node_modules', 'nik-parser'));

function main() {
    const args = process.argv.slice(2);
    if (args.length !== 1 || args[0].startsWith('-')) {
        process.stderr.write('usage: node parse_nik_parser.js IN.txt\n');
        process.exit(2);
    }

    const text = fs.readFileSync(args[0], 'utf8');
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
        if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
    }

    const start = process.hrtime.bigint();
    let valid = 0;
    for (const line of lines) {
        let ok;
        try {
            ok = nikParser(line).isValid();
        } catch (e) {
            ok = false;
        }
        if (ok) valid++;
    }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;

    const n = lines.length;
    console.log(`parse ${secs.toFixed(4)} n=${n} valid=${valid} per_sec=${(n / secs).toFixed(0)}`);
}

main();
