'use strict'
// A push whose response never arrives is sent again: nothing is stored twice.
const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Session } = require('./lib/api')
const { Device } = require('./lib/device')
const { HOUR, ago, rows, checkClientLogs } = require('./lib/fixtures')

checkClientLogs()

const FIVE_MIN = 5 * 60 * 1000

async function serverCounts(session) {
  const { changes } = await session.pull({ lastPulledAt: null, tables: Object.keys(rows) })
  return Object.fromEntries(Object.entries(changes).map(([t, c]) => [t, c.updated.length]))
}

test('a push whose response is lost and is re-sent creates no duplicate', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  await phone.create('meals', rows.meals())
  await phone.create('fasting_windows', rows.fasting_windows())
  await phone.create('day_confirmations', rows.day_confirmations())
  const start = ago(30 * HOUR) // 300 readings every 5 minutes: 25 hours, all in the past
  for (let i = 0; i < 300; i += 1) {
    await phone.create('glucose_readings', rows.glucose_readings({ measured_at: start + i * FIVE_MIN }))
  }

  await assert.rejects(
    phone.sync({
      afterPush: () => {
        throw new Error('socket hang up') // the server applied it; the device never hears
      },
    }),
    /socket hang up/,
  )
  assert.equal(await phone.dirty(), true)

  const log = await phone.sync() // pulls its own rows back, pushes them again as `created`
  assert.deepEqual(log.rejectedIds, {})
  assert.equal(await phone.dirty(), false)
  const expected = {
    fasting_windows: 1,
    meals: 1,
    glucose_readings: 300,
    exercise_sessions: 0,
    day_confirmations: 1,
  }
  assert.deepEqual(await serverCounts(session), expected)
  const local = {}
  for (const table of Object.keys(expected)) {
    local[table] = Object.keys(await phone.rows(table)).length
  }
  assert.deepEqual(local, expected)
})

test('the same push body sent twice with the same cursor is applied once', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  await phone.sync()
  await phone.create('meals', rows.meals())
  await phone.create('glucose_readings', rows.glucose_readings())
  let sent
  await phone.sync({ beforePush: (args) => { sent = args } })

  const again = await session.push(sent) // an HTTP-level retry: same body, same cursor
  assert.deepEqual(again.experimentalRejectedIds, {})
  assert.deepEqual(await serverCounts(session), {
    fasting_windows: 0,
    meals: 1,
    glucose_readings: 1,
    exercise_sessions: 0,
    day_confirmations: 0,
  })
})
