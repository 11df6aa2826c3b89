# Trips abroad and their approvals.

problem-before-arrive = Before the first day there
problem-mainland = Not outside the mainland
problem-no-approver = Nobody can approve this step
problem-no-previous-step = No step before it
problem-no-step = No step applies
problem-not-editable = Cannot be edited now
problem-not-increasing = Must not shrink
problem-not-internal = Not one of the university's people
problem-one-leader = Exactly one head of delegation
problem-out-of-order = Out of order
problem-outside-trip = Outside the trip's dates
problem-same-person = The same person
problem-too-few-approvers = Too few approvers
problem-too-many = Too many

trip-type-teaching = Teaching
trip-type-research = Research
trip-type-conference = Conference
trip-type-talks = Official talks
trip-type-friendly_visit = Friendly visit
trip-type-assigned_task = Assigned task
