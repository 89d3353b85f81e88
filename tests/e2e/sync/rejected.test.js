'use strict'
// Invalid rows come back in experimentalRejectedIds and stay dirty; the rest lands.
const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Session } = require('./lib/api')
const { Device } = require('./lib/device')
const { HOUR, ago, rows, checkClientLogs } = require('./lib/fixtures')

checkClientLogs()

async function serverIds(session, table) {
  const { changes } = await session.pull({ lastPulledAt: null, tables: [table] })
  return changes[table].updated.map((row) => row.id).sort()
}

test('an overlapping fast and an out-of-range reading are rejected, the rest lands', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  const fast = await phone.create(
    'fasting_windows',
    rows.fasting_windows({ started_at: ago(40 * HOUR), ended_at: ago(24 * HOUR) }),
  )
  await phone.sync()

  const overlapping = await phone.create(
    'fasting_windows',
    rows.fasting_windows({ started_at: ago(30 * HOUR), ended_at: ago(20 * HOUR) }),
  )
  const tooHigh = await phone.create(
    'glucose_readings',
    rows.glucose_readings({ value_mgdl: 900, measured_at: ago(3 * HOUR) }),
  )
  const reading = await phone.create('glucose_readings', rows.glucose_readings())
  const meal = await phone.create('meals', rows.meals())

  const log = await phone.sync()
  assert.deepEqual(log.rejectedIds, {
    fasting_windows: [overlapping],
    glucose_readings: [tooHigh],
  })
  assert.deepEqual(await serverIds(session, 'fasting_windows'), [fast])
  assert.deepEqual(await serverIds(session, 'glucose_readings'), [reading])
  assert.deepEqual(await serverIds(session, 'meals'), [meal])
  assert.equal((await phone.raw('glucose_readings', tooHigh))._status, 'created')
  assert.equal((await phone.raw('glucose_readings', reading))._status, 'synced')
  assert.equal((await phone.raw('meals', meal))._status, 'synced')

  // Corrected on the device, the reading goes through on the next sync.
  await phone.update('glucose_readings', tooHigh, { value_mgdl: 90 })
  await phone.remove('fasting_windows', overlapping)
  const next = await phone.sync()
  assert.deepEqual(next.rejectedIds, {})
  assert.deepEqual(await serverIds(session, 'glucose_readings'), [reading, tooHigh].sort())
  assert.equal(await phone.dirty(), false)
})
