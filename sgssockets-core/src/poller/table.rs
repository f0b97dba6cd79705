//! A poller's registrations: a slab of entries addressed by a token (slot and
//! generation), so the backend carries a token the poller can check, and an event queued
//! for a registration that is gone (or whose slot was reused) is dropped, never misreported.

use super::{Interest, PollMode};

/// What the backend stores with a registration: slot in the low 32 bits, the slot's
/// generation in the high 32 (0 where the backend's token is narrower).
pub(crate) type Token = u64;

/// One registration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The caller's key.
    pub key: u64,
    /// What it asks for ([`Interest::NONE`]: not in the kernel's set at all).
    pub interest: Interest,
    /// How it reports.
    pub mode: PollMode,
}

#[derive(Debug)]
struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

/// Every registration of one poller.
#[derive(Debug)]
pub(crate) struct Table {
    slots: Vec<Slot>,
    free: Vec<u32>,
    len: usize,
    /// Whether tokens carry the generation.
    generations: bool,
    /// Keys of registrations removed because their socket closed (`None`: not kept).
    closed: Option<Vec<u64>>,
}

impl Table {
    pub fn new(generations: bool, keep_closed_keys: bool) -> Table {
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            generations,
            closed: keep_closed_keys.then(Vec::new),
        }
    }

    fn token(&self, slot: u32) -> Token {
        let generation = if self.generations {
            self.slots[slot as usize].generation
        } else {
            0
        };
        u64::from(slot) | (u64::from(generation) << 32)
    }

    fn slot_of(&self, token: Token) -> Option<&Slot> {
        let slot = self.slots.get(usize::try_from(token & 0xFFFF_FFFF).ok()?)?;
        let generation = u32::try_from(token >> 32).ok()?;
        (!self.generations || slot.generation == generation).then_some(slot)
    }

    /// Adds a registration; returns its token.
    pub fn insert(&mut self, key: u64, interest: Interest, mode: PollMode) -> Token {
        let entry = Some(Entry {
            key,
            interest,
            mode,
        });
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize].entry = entry;
                slot
            }
            None => {
                let slot = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                self.slots.push(Slot {
                    generation: 0,
                    entry,
                });
                slot
            }
        };
        self.len += 1;
        self.token(slot)
    }

    /// The registration of `token`, if it is still the one the token was made for.
    pub fn get(&self, token: Token) -> Option<&Entry> {
        self.slot_of(token)?.entry.as_ref()
    }

    /// The registration of `token`, to change it.
    pub fn get_mut(&mut self, token: Token) -> Option<&mut Entry> {
        self.slot_of(token)?;
        let index = usize::try_from(token & 0xFFFF_FFFF).ok()?;
        self.slots[index].entry.as_mut()
    }

    /// Removes the registration of `token`; the slot's next user gets a new generation.
    pub fn remove(&mut self, token: Token) -> Option<Entry> {
        self.slot_of(token)?;
        let index = usize::try_from(token & 0xFFFF_FFFF).ok()?;
        let slot = &mut self.slots[index];
        let entry = slot.entry.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(u32::try_from(index).unwrap_or(u32::MAX));
        self.len -= 1;
        Some(entry)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Remembers that `key`'s socket closed while registered (if this table keeps those);
    /// returns whether it did.
    pub fn note_closed(&mut self, key: u64) -> bool {
        self.closed
            .as_mut()
            .map(|closed| closed.push(key))
            .is_some()
    }

    /// The keys noted by [`note_closed`](Self::note_closed) since the last call.
    pub fn take_closed(&mut self) -> Vec<u64> {
        self.closed.as_mut().map(std::mem::take).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_slot_does_not_answer_to_the_old_token() {
        let mut table = Table::new(true, false);
        let old = table.insert(1, Interest::READ, PollMode::Level);
        assert_eq!(table.remove(old).map(|e| e.key), Some(1));
        let new = table.insert(2, Interest::READ, PollMode::Level);
        assert_eq!(old & 0xFFFF_FFFF, new & 0xFFFF_FFFF, "the slot is reused");
        assert!(table.get(old).is_none());
        assert!(table.remove(old).is_none());
        assert_eq!(table.get(new).map(|e| e.key), Some(2));
        assert_eq!(table.len(), 1);
    }
}
