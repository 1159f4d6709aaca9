//! Per-tenant bounds on heavy work (imports), so one tenant cannot hold every database
//! connection while others wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

/// Counts the heavy requests of each tenant that are running; at most `max` at once per tenant.
#[derive(Debug)]
pub struct TenantSlots {
    max: usize,
    running: Mutex<HashMap<Uuid, usize>>,
}

/// A slot held until dropped.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<TenantSlots>,
    tenant: Uuid,
}

impl TenantSlots {
    /// At most `max` (at least 1) at once per tenant.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            max: max.max(1),
            running: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for `tenant`, or `None` when it already runs `max`.
    pub fn try_take(self: &Arc<Self>, tenant: Uuid) -> Option<Slot> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let n = running.entry(tenant).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self.clone(),
            tenant,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = self.slots.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = running.get_mut(&self.tenant) {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.tenant);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_max_per_tenant_and_released_on_drop() {
        let slots = TenantSlots::new(2);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let one = slots.try_take(a);
        let two = slots.try_take(a);
        assert!(one.is_some() && two.is_some());
        assert!(
            slots.try_take(a).is_none(),
            "third of the same tenant refused"
        );
        assert!(slots.try_take(b).is_some(), "other tenants unaffected");
        drop(one);
        assert!(slots.try_take(a).is_some());
        drop(two);
        assert!(
            slots.running.lock().unwrap().is_empty(),
            "released tenants are forgotten"
        );
    }
}
