'use strict'
// Two devices of one member converge after create, update and delete in every table.
const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Session } = require('./lib/api')
const { Device } = require('./lib/device')
const { HOUR, ago, rows, checkClientLogs } = require('./lib/fixtures')
const { TABLES } = require('./lib/schema')

checkClientLogs()

const ALL = Object.keys(TABLES)

async function snapshot(device) {
  const out = {}
  for (const table of ALL) out[table] = await device.rows(table)
  return out
}

async function serverState(session) {
  const { changes } = await session.pull({ lastPulledAt: null, tables: ALL })
  const out = {}
  for (const table of ALL) {
    assert.deepEqual(changes[table].created, [], `${table}: rows must come as updated`)
    out[table] = Object.fromEntries(changes[table].updated.map((row) => [row.id, row]))
  }
  return out
}

test('two devices of one member converge after creates, updates and deletes', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  const tablet = new Device(session, { name: 'tablet' })

  // Create one row per table on the phone.
  const ids = {}
  for (const table of ALL) ids[table] = await phone.create(table, rows[table]())
  await phone.sync()
  assert.equal(await phone.dirty(), false)
  await tablet.sync()
  const created = await snapshot(phone)
  assert.deepEqual(await snapshot(tablet), created)
  assert.deepEqual(await serverState(session), created)
  for (const table of ALL) assert.equal(Object.keys(created[table]).length, 1, table)

  // Update every row on the tablet.
  const edits = {
    fasting_windows: { note: 'felt great', ended_at: ago(23 * HOUR) },
    meals: { kcal: 610, name: 'Lentil soup + bread', leucine_g: 2.5 },
    glucose_readings: { value_mgdl: 104.5, trend: 'rising' },
    exercise_sessions: { minutes: 60, intensity: 'vigorous' },
    day_confirmations: { no_exercise: true },
  }
  for (const table of ALL) await tablet.update(table, ids[table], edits[table])
  await tablet.sync()
  await phone.sync()
  const updated = await snapshot(phone)
  assert.deepEqual(await snapshot(tablet), updated)
  assert.deepEqual(await serverState(session), updated)
  for (const table of ALL) {
    for (const [column, value] of Object.entries(edits[table])) {
      assert.equal(updated[table][ids[table]][column], value, `${table}.${column}`)
    }
  }

  // Delete every row on the phone.
  for (const table of ALL) await phone.remove(table, ids[table])
  await phone.sync()
  await tablet.sync()
  const empty = Object.fromEntries(ALL.map((table) => [table, {}]))
  assert.deepEqual(await snapshot(tablet), empty)
  assert.deepEqual(await snapshot(phone), empty)
  assert.deepEqual(await serverState(session), empty)
  assert.equal(await tablet.dirty(), false)
})

test('an expired access token is refreshed inside pull and push', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  await phone.create('meals', rows.meals())
  session.access = 'expired.or.revoked'
  await phone.sync()
  assert.equal(session.refreshes, 1)
  assert.equal(await phone.dirty(), false)
  const { changes } = await session.pull({ lastPulledAt: null, tables: ['meals'] })
  assert.equal(changes.meals.updated.length, 1)
})

test('two devices confirming the same day offline converge on one row', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  const tablet = new Device(session, { name: 'tablet' })
  await phone.sync()
  await tablet.sync()
  const day = rows.day_confirmations().date
  const first = await phone.create('day_confirmations', rows.day_confirmations({ date: day }))
  const second = await tablet.create(
    'day_confirmations',
    rows.day_confirmations({ date: day, no_exercise: true }),
  )
  await phone.sync()
  await tablet.sync() // pushes `second`: merged into `first`, `second` becomes a tombstone
  await tablet.sync()
  await phone.sync()
  const expected = { [first]: { id: first, date: day, food_log_complete: true, no_exercise: true } }
  assert.deepEqual(await phone.rows('day_confirmations'), expected)
  assert.deepEqual(await tablet.rows('day_confirmations'), expected)
  assert.notEqual(first, second)
  assert.equal(await tablet.dirty(), false)
})
