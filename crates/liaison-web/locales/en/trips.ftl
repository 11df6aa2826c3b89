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
problem-not-a-member = Not a member of that trip
problem-not-briefed = Not every member is briefed
problem-notice-time = The notice period is not over
problem-negative = Must not be negative
problem-administrative-days = Too many days
problem-administrative-countries = Too many countries
problem-administrative-members = Too many members
problem-hong-kong-days = Too many days in Hong Kong
problem-macao-days = Too many days in Macao
problem-hong-kong-macao-days = Too many days in Hong Kong and Macao
problem-lead-time = Too close to departure

trip-type-teaching = Teaching
trip-type-research = Research
trip-type-conference = Conference
trip-type-talks = Official talks
trip-type-friendly_visit = Friendly visit
trip-type-assigned_task = Assigned task
