'use strict'
// Concurrent edits: the stale push gets 409, the next sync merges per column and lands.
const assert = require('node:assert/strict')
const { test } = require('node:test')

const { Session } = require('./lib/api')
const { Device } = require('./lib/device')
const { rows, checkClientLogs } = require('./lib/fixtures')

checkClientLogs()

test('a push made stale by another device gets 409; the next sync converges per column', async () => {
  const session = await Session.create()
  const phone = new Device(session, { name: 'phone' })
  const tablet = new Device(session, { name: 'tablet' })
  const id = await phone.create('meals', rows.meals({ name: 'Soup', kcal: 500 }))
  await phone.sync()
  await tablet.sync()

  await tablet.update('meals', id, { kcal: 700, protein_g: 40 })
  await assert.rejects(
    tablet.sync({
      beforePush: async () => {
        // The phone renames the meal between the tablet's pull and its push.
        await phone.update('meals', id, { name: 'Soup with bread' })
        await phone.sync()
      },
    }),
    (error) => error.status === 409 && error.body.errors.some((e) => e.field === `meals.${id}`),
  )
  assert.equal(await tablet.dirty(), true, 'the rejected change stays local')

  const log = await tablet.sync()
  assert.equal(log.resolvedConflicts.length, 1)
  await phone.sync()
  const expected = { name: 'Soup with bread', kcal: 700, protein_g: 40 }
  for (const device of [phone, tablet]) {
    const meal = (await device.rows('meals'))[id]
    assert.deepEqual({ name: meal.name, kcal: meal.kcal, protein_g: meal.protein_g }, expected)
  }
  const { changes } = await session.pull({ lastPulledAt: null, tables: ['meals'] })
  const [server] = changes.meals.updated
  assert.deepEqual({ name: server.name, kcal: server.kcal, protein_g: server.protein_g }, expected)
  assert.equal(await tablet.dirty(), false)
})
