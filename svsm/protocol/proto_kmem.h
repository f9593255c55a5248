/* SPDX-License-Identifier: MIT */
/*
 * proto_kmem.h — the protocol platform's alloc/free/relax operations inside
 * the SVSM kernel, shared by the SNP and the native platform (the host
 * model uses calloc instead). Blocks below a page come from the heap, which
 * is small; a page or more comes whole from the page pool. Memory is zeroed.
 * The signatures are those of struct proto_platform; ctx is unused.
 */
#ifndef SVSM_PROTOCOL_PROTO_KMEM_H
#define SVSM_PROTOCOL_PROTO_KMEM_H

#include <stddef.h>

void *proto_kmem_alloc(void *ctx, size_t bytes);
/* bytes must be what was asked of proto_kmem_alloc: it says where the block came from. */
void proto_kmem_free(void *ctx, void *p, size_t bytes);
void proto_kmem_relax(void *ctx);

#endif
