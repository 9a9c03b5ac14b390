/* Open-addressing hash index from a 32-bit hash to item numbers (1-based) in
 * an array the caller owns. Eight bytes a slot, half full at most, linear
 * probing with backward-shift removal: no tombstones, no per-item allocation. */
#ifndef FOT_INDEX_H
#define FOT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct fot_index_slot {
    uint32_t hash;
    uint32_t item; /* 0: empty */
} fot_index_slot;

typedef struct fot_index {
    fot_index_slot *slots;
    uint32_t mask;
    uint32_t count;
} fot_index;

/* Called on hash match: does item hold the key being looked for? */
typedef bool (*fot_index_match)(const void *ctx, uint32_t item, const void *key);

void fot_index_init(fot_index *ix);
void fot_index_destroy(fot_index *ix);
void fot_index_insert(fot_index *ix, uint32_t hash, uint32_t item);
void fot_index_remove(fot_index *ix, uint32_t hash, uint32_t item);

/* Inline, so that a caller's match is inlined too: lookups are on the path
 * of every packet. */
static inline uint32_t
fot_index_find(const fot_index *ix, uint32_t hash, fot_index_match match, const void *ctx, const void *key)
{
    for (uint32_t i = hash & ix->mask;; i = (i + 1) & ix->mask) {
        const fot_index_slot *s = &ix->slots[i];
        if (s->item == 0)
            return 0;
        if (s->hash == hash && match(ctx, s->item, key))
            return s->item;
    }
}

/* Start fetching the slot where a lookup of hash begins. */
static inline void
fot_index_prefetch(const fot_index *ix, uint32_t hash)
{
    __builtin_prefetch(&ix->slots[hash & ix->mask]);
}

/* The first item a lookup of hash would compare (0: none), to fetch it early. */
static inline uint32_t
fot_index_peek(const fot_index *ix, uint32_t hash)
{
    for (uint32_t i = hash & ix->mask;; i = (i + 1) & ix->mask) {
        const fot_index_slot *s = &ix->slots[i];
        if (s->item == 0 || s->hash == hash)
            return s->item;
    }
}

/* Backward-shift removal, for a linear-probing table of any slot type: the
 * slot at hole is emptied by moving later members of its probe run back
 * into it, so no lookup ever meets a tombstone. used(slot) says a slot holds
 * something, hash(slot) the hash it was placed by. Returns the slot left for
 * the caller to clear. Inline, so that both callbacks are inlined too. */
static inline uint32_t
fot_index_backshift(void *slots, size_t slot_size, uint32_t mask, uint32_t hole, bool (*used)(const void *slot),
                    uint32_t (*hash)(const void *slot))
{
    char *base = slots;
    for (uint32_t j = (hole + 1) & mask; used(base + (size_t)j * slot_size); j = (j + 1) & mask) {
        uint32_t home = hash(base + (size_t)j * slot_size) & mask;
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            memcpy(base + (size_t)hole * slot_size, base + (size_t)j * slot_size, slot_size);
            hole = j;
        }
    }
    return hole;
}

/* 64-bit mix (splitmix64 finalizer), folded to 32 bits. */
static inline uint32_t
fot_hash64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (uint32_t)(x ^ (x >> 32));
}

/* Any bytes, eight at a time, then the same mix (keys off the hot path). */
static inline uint32_t
fot_hash_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = n * UINT64_C(0x9e3779b97f4a7c15), w;
    for (; n >= 8; b += 8, n -= 8) {
        memcpy(&w, b, 8);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
    }
    w = 0;
    memcpy(&w, b, n);
    return fot_hash64(h ^ w);
}

/* A 16-byte address (IPv6), folded the same way. */
static inline uint32_t
fot_hash_addr16(const uint8_t a[16])
{
    uint64_t hi, lo;
    memcpy(&hi, a, 8);
    memcpy(&lo, a + 8, 8);
    return fot_hash64(hi ^ (lo * UINT64_C(0x9e3779b97f4a7c15)));
}

#endif
