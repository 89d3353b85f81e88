'use strict'
// Captures WatermelonDB's logger: a server that keeps the sync contract makes the client
// log no `[Sync]` diagnostics (and no "collection does not exist" warnings).
const logger = require('@nozbe/watermelondb/utils/common/logger').default

const MIGRATION_INFO = /^\[Sync\] Performing migration sync from \d+ to \d+$/
const lines = []

const text = (args) =>
  args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')

for (const level of ['debug', 'log', 'warn', 'error']) {
  logger[level] = (...args) => lines.push({ level, text: text(args) })
}

function takeLines() {
  return lines.splice(0, lines.length)
}

// Every captured line that a good server must not cause.
function diagnostics(captured) {
  return captured
    .filter(({ text: t }) => !t.startsWith('[Loki]')) // storage setup chatter
    .filter(({ text: t }) => !MIGRATION_INFO.test(t))
    .map(({ level, text: t }) => `${level}: ${t}`)
}

module.exports = { takeLines, diagnostics, MIGRATION_INFO }
