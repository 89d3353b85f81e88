'use strict'
// A schema migration sync (client schema v1 → v2) receives the rows that existed before.
const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Session } = require('./lib/api')
const { Device } = require('./lib/device')
const { HOUR, ago, rows, checkClientLogs } = require('./lib/fixtures')
const { takeLines, diagnostics, MIGRATION_INFO } = require('./lib/logger')
const { schemaV1, schemaV2, migrationsV1toV2 } = require('./lib/schema')

checkClientLogs()

test('upgrading the app from schema v1 to v2 backfills the new table and column', async () => {
  const session = await Session.create()
  const tablet = new Device(session, { name: 'tablet-v2' })
  const workout = await tablet.create('exercise_sessions', rows.exercise_sessions())
  const meal = await tablet.create('meals', rows.meals({ fiber_g: 14 }))
  await tablet.sync()

  // An older release without the exercise log and without fiber syncs the same account.
  const old = new Device(session, { schema: schemaV1, name: 'phone' })
  await old.sync()
  assert.deepEqual(Object.keys(await old.rows('meals')), [meal])
  assert.equal('fiber_g' in (await old.rows('meals'))[meal], false)
  const { fiber_g: _unknownInV1, ...toast } = rows.meals({ name: 'Toast', eaten_at: ago(9 * HOUR) })
  const ownMeal = await old.create('meals', toast)
  await old.sync()

  const phone = await old.upgrade(schemaV2, migrationsV1toV2)
  const log = await phone.sync()
  assert.deepEqual(log.migration, {
    from: 1,
    tables: ['exercise_sessions'],
    columns: [{ table: 'meals', columns: ['fiber_g'] }],
  })
  const lines = takeLines()
  assert.equal(lines.filter(({ text }) => MIGRATION_INFO.test(text)).length, 1, 'migration line')
  assert.deepEqual(diagnostics(lines), [])

  assert.deepEqual(Object.keys(await phone.rows('exercise_sessions')), [workout])
  const meals = await phone.rows('meals')
  assert.equal(meals[meal].fiber_g, 14)
  assert.equal(meals[ownMeal].fiber_g, null)
  assert.equal(await phone.dirty(), false)

  await phone.sync() // and from now on plain incremental syncs
  assert.equal(phone.lastLog.migration, null)
})
