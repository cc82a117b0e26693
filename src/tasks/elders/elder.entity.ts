import { defineEntity, p } from '@mikro-orm/core';

/** The questions a new elder is asked in chat, in order: name, town, then the timezone read back for a yes. */
export const ONBOARDING_STEPS = ['name', 'city', 'confirm_timezone', 'region'] as const;
/** An onboarding step. */
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** An older person the assistant serves; every other record hangs off an elder. */
export const ElderSchema = defineEntity({
  name: 'Elder',
  tableName: 'elders',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(120),
    timezone: p.string().length(64),
    locale: p.string().length(16).default('en-GB'),
    /** The onboarding question the elder is answering; null when there is nothing to ask. */
    onboardingStep: p.enum(ONBOARDING_STEPS).nullable(),
    /** The town the elder gave at onboarding. */
    city: p.string().length(120).nullable(),
    /** A timezone derived from the town, waiting for the elder's yes. */
    proposedTimezone: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** An elder as loaded from the database. */
export class Elder extends ElderSchema.class {}
ElderSchema.setClass(Elder);
