//! The `rpds` crate's own work in rows of `bench/rpds-run`, with no Python
//! at all: the part of a row that the original (PyO3) and the hpy-rs port
//! both run, so that no binding can make a row faster than this.
//!
//! `cargo run --release --offline` in bench/rpds-shared-work. Items are a
//! one-pointer value with an atomic count (as the port's `Stored`; PyO3's
//! `Py<PyAny>` is one pointer too), keys carry a precomputed hash (as both
//! implementations' `Key`). Each row: the median of 11 samples of ~20 ms.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use rpds::{HashTrieMapSync, HashTrieSetSync, ListSync, QueueSync, StackSync};

/// One object reference: a pointer to a count, cloned and dropped with an
/// atomic operation, as `hpy::Stored`.
#[derive(Clone)]
struct Item(Arc<i64>);

#[derive(Clone)]
struct Key {
    hash: isize,
    inner: Item,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_isize(self.hash);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        *self.inner.0 == *other.inner.0
    }
}

impl Eq for Key {}

fn key(i: i64) -> Key {
    Key {
        hash: i as isize,
        inner: Item(Arc::new(i)),
    }
}

fn time(name: &str, mut op: impl FnMut()) {
    let mut n = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            op();
        }
        if t.elapsed().as_secs_f64() > 0.02 {
            break;
        }
        n *= 2;
    }
    let mut samples: Vec<f64> = (0..11)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                op();
            }
            t.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("| {} | {:.0} |", name, samples[5]);
}

fn main() {
    let items: Vec<Item> = (0..100).map(|i| Item(Arc::new(i))).collect();
    let keys: Vec<Key> = (0..100).map(key).collect();
    let mut map = HashTrieMapSync::new_sync();
    for k in &keys {
        map.insert_mut(k.clone(), k.inner.clone());
    }
    println!("| row | rpds work alone, ns per operation |");
    println!("|---|---:|");
    time("HashTrieMap: insert 100 keys one by one (per 100)", || {
        let mut h = HashTrieMapSync::new_sync();
        for k in &keys {
            h = h.insert(k.clone(), k.inner.clone());
        }
        black_box(h);
    });
    time(
        "HashTrieMap: hash(h) (DefaultHasher of both hashes per entry)",
        || {
            let mut acc = 0usize;
            for (k, v) in black_box(&map).iter() {
                let mut hasher = DefaultHasher::new();
                hasher.write_isize(k.hash);
                hasher.write_isize(*v.0 as isize);
                acc ^= hasher.finish() as usize;
            }
            black_box(acc);
        },
    );
    time("HashTrieSet(range(100)) (insert_mut each)", || {
        let mut s = HashTrieSetSync::new_sync();
        for k in &keys {
            s.insert_mut(k.clone());
        }
        black_box(s);
    });
    time("HashTrieMap.convert(dict) (insert_mut each)", || {
        let mut h = HashTrieMapSync::new_sync();
        for k in &keys {
            h.insert_mut(k.clone(), k.inner.clone());
        }
        black_box(h);
    });
    let list: ListSync<Item> = items
        .iter()
        .rev()
        .fold(ListSync::new_sync(), |l, x| l.push_front(x.clone()));
    time("List(range(100)) (push_front_mut each)", || {
        let mut l = ListSync::new_sync();
        for x in items.iter().rev() {
            l.push_front_mut(x.clone());
        }
        black_box(l);
    });
    time("List: push_front", || {
        black_box(black_box(&list).push_front(items[1].clone()));
    });
    time(
        "List: iterate (clone 100 items out, as the port's __iter__)",
        || {
            let v: Vec<Item> = black_box(&list).iter().cloned().collect();
            black_box(v);
        },
    );
    let queue: QueueSync<Item> = items
        .iter()
        .fold(QueueSync::new_sync(), |q, x| q.enqueue(x.clone()));
    time("Queue: enqueue", || {
        black_box(black_box(&queue).enqueue(items[1].clone()));
    });
    time("Queue: dequeue (of Queue(range(100)))", || {
        black_box(black_box(&queue).dequeue());
    });
    let stack: StackSync<Item> = items
        .iter()
        .fold(StackSync::new_sync(), |s, x| s.push(x.clone()));
    time("Stack: push", || {
        black_box(black_box(&stack).push(items[1].clone()));
    });
}
