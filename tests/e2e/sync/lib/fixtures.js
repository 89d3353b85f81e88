'use strict'
// Rows as the app creates them, and the shared per-test check of the client's logger.
const assert = require('node:assert/strict')
const { afterEach, beforeEach } = require('node:test')
const { takeLines, diagnostics } = require('./logger')

const HOUR = 3600 * 1000
// Whole seconds: what a device stores round-trips unchanged.
const ago = (ms) => Math.floor((Date.now() - ms) / 1000) * 1000
const daysAgoDate = (days) => new Date(Date.now() - days * 24 * HOUR).toISOString().slice(0, 10)

const rows = {
  fasting_windows: (over = {}) => ({
    started_at: ago(40 * HOUR),
    ended_at: ago(24 * HOUR),
    target_hours: 16,
    protocol: '16:8',
    note: 'evening start',
    ...over,
  }),
  meals: (over = {}) => ({
    eaten_at: ago(3 * HOUR),
    name: 'Lentil soup',
    kcal: 520,
    protein_g: 28,
    carbs_g: 60,
    fat_g: 12,
    fiber_g: 14,
    leucine_g: null,
    ...over,
  }),
  glucose_readings: (over = {}) => ({
    measured_at: ago(2 * HOUR),
    value_mgdl: 96,
    censored: '',
    source: 'cgm',
    device: 'dexcom-g7-e2e',
    trend: 'flat',
    ...over,
  }),
  exercise_sessions: (over = {}) => ({
    started_at: ago(6 * HOUR),
    minutes: 45,
    intensity: 'moderate',
    kind: 'cycling',
    note: '',
    ...over,
  }),
  day_confirmations: (over = {}) => ({
    date: daysAgoDate(2),
    food_log_complete: true,
    no_exercise: false,
    ...over,
  }),
}

// Each test must leave the client's logger free of sync diagnostics.
function checkClientLogs() {
  beforeEach(() => takeLines())
  afterEach(() => {
    assert.deepEqual(diagnostics(takeLines()), [], 'the client logged sync diagnostics')
  })
}

module.exports = { HOUR, ago, daysAgoDate, rows, checkClientLogs }
