# The working-day calendar: statutory holidays and adjusted working days.

nav-working-days = Working days

workdays-days-title = Calendar days
workdays-new-day = New calendar day
workdays-edit-day = Edit calendar day
workdays-add-year = Add a year
workdays-year-held-title = The year is already in the calendar

workdays-field-date = Date
workdays-field-weekday = Day of the week
workdays-field-kind = Kind
workdays-field-holiday = Holiday
workdays-field-name-zh = Holiday (Chinese)
workdays-field-name-en = Holiday (English)
workdays-field-source = Source
workdays-field-year = Year
workdays-field-lines = Days of the year
workdays-field-days = Working days
workdays-field-after = after

workdays-hint-name_zh = As the State Council's notice names it, such as 国庆节.
workdays-hint-name_en = Filled in for the seven statutory holidays when left empty.
workdays-hint-year = Leave the days empty to load the year from the calendar shipped with Liaison.
workdays-hint-lines = One day a line, from the State Council's notice: 2028-01-01 off 元旦, or 2028-02-05 work 春节 for a weekend day worked. Days of late December that the next year's notice lists belong to the year they fall in.

workdays-kind-off = Day off
workdays-kind-working = Adjusted working day
workdays-source-dataset = Shipped calendar (holiday-cn)
workdays-source-edited = Entered by an admin
workdays-weekend = Weekend

workdays-weekday-0 = Monday
workdays-weekday-1 = Tuesday
workdays-weekday-2 = Wednesday
workdays-weekday-3 = Thursday
workdays-weekday-4 = Friday
workdays-weekday-5 = Saturday
workdays-weekday-6 = Sunday
workdays-weekday-short-0 = Mo
workdays-weekday-short-1 = Tu
workdays-weekday-short-2 = We
workdays-weekday-short-3 = Th
workdays-weekday-short-4 = Fr
workdays-weekday-short-5 = Sa
workdays-weekday-short-6 = Su

workdays-year-title = Year at a glance
workdays-year-heading = Working days in { $year }
workdays-year-nav = Other years
workdays-days-of-year = Listed days of the year
workdays-year-total = { $count } working days in the year.
workdays-month-total = { $count } working days
workdays-year-missing = The working-day calendar has no entries for { $year }; an admin can add the year.
workdays-ask = Count
workdays-answer = { $days } working days after { $from } is { $weekday } { $date }.
workdays-answer-unread = Give a number of working days (0 or more) and a date.

problem-year-not-in-calendar = year not in the calendar
problem-negative = negative
problem-other-year = another year
problem-both-given = given twice
problem-before-from = before the first day
