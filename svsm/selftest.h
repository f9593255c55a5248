/* SPDX-License-Identifier: MIT */
/* selftest.h — in-kernel self-tests run at every boot: allocator, heap, page tables, exception path. */
#ifndef SVSM_SELFTEST_H
#define SVSM_SELFTEST_H
/* Returns the number of failed checks (each check logs "selftest: NAME: ok|FAILED"). */
int selftest_run(void);
#endif
