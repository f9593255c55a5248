/* SPDX-License-Identifier: MIT */
/*
 * time.c — clocks from the platform's monotonic nanosecond counter
 * (libc_sys_ns: clock_gettime, svsm/vtpm/sys_user.c), and gmtime_r.
 *
 * The SVSM has no trustworthy wall clock (the host controls every time source
 * it could read), so every clock — CLOCK_REALTIME included, and time() and
 * gettimeofday() — counts from the SVSM's start as if that were 1970-01-01
 * 00:00:00 UTC. The TPM's own clock (libtpms's Clock.c, which calls
 * clock_gettime and clock) is relative by definition; nothing in the vTPM
 * checks a certificate against the current date. clock() is CPU time, which
 * for a CPU that runs nothing else is elapsed time. sleep/usleep wait on the
 * counter.
 */
#include <stdbool.h>

#include "libc.h"

/* glibc's x86-64 layouts. */
struct libc_timespec {
	int64_t tv_sec, tv_nsec;
};
struct libc_timeval {
	int64_t tv_sec, tv_usec;
};
struct libc_tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};

#define CLOCK_IDS_KNOWN 11 /* CLOCK_REALTIME .. CLOCK_BOOTTIME_ALARM (0..9) and CLOCK_TAI (11) */

int64_t LIBC(time)(int64_t *t);
int64_t LIBC(time)(int64_t *t)
{
	int64_t s = (int64_t)(libc_sys_ns() / 1000000000u);
	if (t)
		*t = s;
	return s;
}

long LIBC(clock)(void);
long LIBC(clock)(void)
{
	return (long)(libc_sys_ns() / 1000u); /* CLOCKS_PER_SEC = 1000000 */
}

int LIBC(clock_gettime)(int id, struct libc_timespec *ts);
int LIBC(clock_gettime)(int id, struct libc_timespec *ts)
{
	if (id < 0 || id > CLOCK_IDS_KNOWN || id == 10) {
		libc_set_errno(LIBC_EINVAL);
		return -1;
	}
	uint64_t ns = libc_sys_ns();
	ts->tv_sec = (int64_t)(ns / 1000000000u);
	ts->tv_nsec = (int64_t)(ns % 1000000000u);
	return 0;
}

int LIBC(gettimeofday)(struct libc_timeval *tv, void *tz);
int LIBC(gettimeofday)(struct libc_timeval *tv, void *tz)
{
	(void)tz;
	if (tv) {
		uint64_t us = libc_sys_ns() / 1000u;
		tv->tv_sec = (int64_t)(us / 1000000u);
		tv->tv_usec = (int64_t)(us % 1000000u);
	}
	return 0;
}

static void wait_ns(uint64_t ns)
{
	uint64_t end = libc_sys_ns() + ns;
	while (libc_sys_ns() < end)
		libc_sys_relax();
}

unsigned LIBC(sleep)(unsigned s);
unsigned LIBC(sleep)(unsigned s)
{
	wait_ns((uint64_t)s * 1000000000u);
	return 0;
}

int LIBC(usleep)(unsigned us);
int LIBC(usleep)(unsigned us)
{
	wait_ns((uint64_t)us * 1000u);
	return 0;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 to civil date (Howard Hinnant's algorithm, proleptic Gregorian). */
struct libc_tm *LIBC(gmtime_r)(const int64_t *t, struct libc_tm *tm);
struct libc_tm *LIBC(gmtime_r)(const int64_t *t, struct libc_tm *tm)
{
	int64_t secs = *t, days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	/* glibc refuses years that do not fit tm_year (int): EOVERFLOW. */
	if (days > 784353015833LL || days < -784353015833LL) {
		libc_set_errno(LIBC_EOVERFLOW);
		return NULL;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	static const int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)(m - 1);
	tm->tm_mday = (int)d;
	tm->tm_yday = cum[m - 1] + (int)d - 1 + (m > 2 && leap(y) ? 1 : 0);
	int64_t wd = (days + 4) % 7; /* 1970-01-01 was a Thursday */
	tm->tm_wday = (int)(wd < 0 ? wd + 7 : wd);
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem % 3600 / 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_isdst = 0;
	tm->tm_gmtoff = 0;
	tm->tm_zone = "GMT";
	return tm;
}
