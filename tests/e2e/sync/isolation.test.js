'use strict'
// Two members never see or touch each other's rows.
const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Session } = require('./lib/api')
const { Device } = require('./lib/device')
const { rows, checkClientLogs } = require('./lib/fixtures')

checkClientLogs()

const ALL = Object.keys(rows)

async function allIds(device) {
  const ids = new Set()
  for (const table of ALL) for (const id of Object.keys(await device.rows(table))) ids.add(id)
  return ids
}

test("two different members never see each other's rows", async () => {
  const alice = await Session.create()
  const bob = await Session.create({ timezone: 'America/New_York' })
  const alicePhone = new Device(alice, { name: 'alice' })
  const bobPhone = new Device(bob, { name: 'bob' })
  const aliceIds = []
  const bobIds = []
  for (const table of ALL) {
    aliceIds.push(await alicePhone.create(table, rows[table]()))
    bobIds.push(await bobPhone.create(table, rows[table]()))
  }
  await alicePhone.sync()
  await bobPhone.sync()
  await alicePhone.sync()

  const aliceTablet = new Device(alice, { name: 'alice-tablet' })
  await aliceTablet.sync()
  assert.deepEqual([...(await allIds(aliceTablet))].sort(), [...aliceIds].sort())
  assert.deepEqual([...(await allIds(alicePhone))].sort(), [...aliceIds].sort())
  assert.deepEqual([...(await allIds(bobPhone))].sort(), [...bobIds].sort())

  // Bob pushes an edit and a delete of Alice's meal by id: refused, Alice's meal untouched.
  const aliceMeal = aliceIds[ALL.indexOf('meals')]
  const before = (await alicePhone.rows('meals'))[aliceMeal]
  const { timestamp } = await bob.pull({ lastPulledAt: null, tables: ALL })
  const result = await bob.push({
    lastPulledAt: timestamp,
    changes: {
      meals: { created: [], updated: [{ ...before, kcal: 1, _status: 'updated', _changed: 'kcal' }], deleted: [] },
      glucose_readings: { created: [], updated: [], deleted: [aliceIds[ALL.indexOf('glucose_readings')]] },
    },
  })
  assert.deepEqual(result.experimentalRejectedIds, {
    meals: [aliceMeal],
    glucose_readings: [aliceIds[ALL.indexOf('glucose_readings')]],
  })
  await alicePhone.sync()
  assert.deepEqual((await alicePhone.rows('meals'))[aliceMeal], before)
  assert.deepEqual([...(await allIds(alicePhone))].sort(), [...aliceIds].sort())
})
