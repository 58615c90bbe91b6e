"""法治微讲堂: the lecture catalogue, bookings and waitlist, reminders, calendar files and custom lecture requests."""
