/* SPDX-License-Identifier: MIT */
/*
 * cmds.h — the verbs of `igvmbuild`, one file each (igvmbuild/cmd_<verb>.c).
 *
 * A verb gets the arguments after its name, with argv[0] set to the verb name,
 * parses its own options, and returns a process exit code (common/status.h).
 * To add a verb: write cmd_<verb>(), declare it here, add a row to the table in
 * igvmbuild/main.c, and describe it in man/igvmbuild.1.
 */
#ifndef IGVMBUILD_CMDS_H
#define IGVMBUILD_CMDS_H

int cmd_inspect(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
