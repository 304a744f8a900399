//! Whole-pack reading for full-history scans: every object of a pack is
//! decoded exactly once by walking the pack's delta tree (each delta base is
//! inflated once and its children are applied to it), in parallel. This beats
//! looking objects up one by one, where a delta chain is re-inflated whenever
//! its base has left the cache.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::odb::pack;

use super::{GitError, Repo};

/// Where a repository's objects live.
#[derive(Debug)]
pub struct ObjectLayout {
    /// Repository name, for messages.
    pub repository: String,
    /// Object hash kind of the repository.
    pub object_hash: gix::hash::Kind,
    /// Pack index files (`.idx`) of the repository's own object directory, sorted.
    pub packs: Vec<PathBuf>,
    /// Objects stored in more than one pack, with the pack that reads them.
    pub owners: HashMap<ObjectId, usize>,
    /// Objects in no pack of `packs` (loose objects, alternates), sorted.
    pub rest: Vec<ObjectId>,
}

impl ObjectLayout {
    /// Whether pack `pack` is the one that reads object `id`.
    pub fn owns(&self, pack: usize, id: &ObjectId) -> bool {
        self.owners.get(id).is_none_or(|owner| *owner == pack)
    }
}

/// Lists the packs of `repo` and every object that is not in one of them.
/// Unreadable indices and listing errors are recorded in `errors`; their
/// objects are read one by one instead.
pub fn object_layout(repo: &Repo, errors: &mut Vec<String>) -> Result<ObjectLayout, GitError> {
    let r = &repo.repo;
    let pack_dir = r.objects.store_ref().path().join("pack");
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&pack_dir)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
                .collect()
        })
        .unwrap_or_default();
    candidates.sort();

    let mut layout = ObjectLayout {
        repository: repo.name.clone(),
        object_hash: r.object_hash(),
        packs: Vec::new(),
        owners: HashMap::new(),
        rest: Vec::new(),
    };
    let mut first_pack: gix::hashtable::HashMap<ObjectId, usize> = Default::default();
    for path in candidates {
        let index = match pack::index::File::at(&path, r.object_hash()) {
            Ok(index) => index,
            Err(err) => {
                errors.push(format!("pack index {}: {err}", path.display()));
                continue;
            }
        };
        if !path.with_extension("pack").is_file() {
            errors.push(format!("pack index {} has no pack file", path.display()));
            continue;
        }
        let pack = layout.packs.len();
        first_pack.reserve(index.num_objects() as usize);
        for entry in index.iter() {
            let owner = *first_pack.entry(entry.oid).or_insert(pack);
            if owner != pack {
                layout.owners.insert(entry.oid, owner);
            }
        }
        layout.packs.push(path);
    }

    let iter = r
        .objects
        .iter()
        .map_err(|err| GitError::read(&repo.name, "object database", err))?;
    for id in iter {
        match id {
            Ok(id) if !first_pack.contains_key(&id) => layout.rest.push(id),
            Ok(_) => {}
            Err(err) => errors.push(format!("object database: {err}")),
        }
    }
    layout.rest.sort_unstable();
    layout.rest.dedup();
    Ok(layout)
}

/// The ids of every object in pack `pack` that the pack owns (for reading a
/// pack one object at a time when its traversal failed).
pub fn pack_objects(layout: &ObjectLayout, pack: usize) -> Result<Vec<ObjectId>, GitError> {
    let path = &layout.packs[pack];
    let index = pack::index::File::at(path, layout.object_hash)
        .map_err(|err| GitError::read(&layout.repository, &path.display().to_string(), err))?;
    let mut ids: Vec<ObjectId> = index
        .iter()
        .map(|entry| entry.oid)
        .filter(|id| layout.owns(pack, id))
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Decodes every object of pack `pack` once, on up to `threads` threads
/// (`None`: one per core), and hands each blob the pack owns to a visitor.
/// Every thread makes its own visitor with `make_visitor`.
pub fn traverse_pack<F, V>(
    layout: &ObjectLayout,
    pack: usize,
    threads: Option<usize>,
    make_visitor: F,
) -> Result<(), GitError>
where
    F: Fn() -> V + Clone + Send,
    V: FnMut(&ObjectId, &[u8]) + Send,
{
    let index_path = &layout.packs[pack];
    let what = index_path.display().to_string();
    let (hash, name) = (layout.object_hash, &layout.repository);
    let index =
        pack::index::File::at(index_path, hash).map_err(|err| GitError::read(name, &what, err))?;
    let data = pack::data::File::at(index_path.with_extension("pack"), hash)
        .map_err(|err| GitError::read(name, &what, err))?;
    let mut visitor = PerThread {
        make: make_visitor,
        visitor: None,
    };
    let processor = move |kind: gix::object::Kind,
                          bytes: &[u8],
                          entry: &pack::index::Entry,
                          _: &dyn gix::Progress|
          -> gix::Result {
        if kind == gix::object::Kind::Blob && layout.owns(pack, &entry.oid) {
            visitor.get()(&entry.oid, bytes);
        }
        Ok(())
    };
    let interrupt = AtomicBool::new(false);
    index
        .traverse_with_index(
            &data,
            processor,
            &mut gix::progress::Discard,
            &interrupt,
            pack::index::traverse::with_index::Options {
                thread_limit: threads,
                check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
                alloc_limit_bytes: None,
            },
        )
        .map_err(|err| GitError::read(name, &what, err))?;
    Ok(())
}

/// A visitor made on first use in each thread: cloning yields a fresh,
/// not-yet-made one, so every traversal thread gets its own.
struct PerThread<F, V> {
    make: F,
    visitor: Option<V>,
}

impl<F: Fn() -> V, V> PerThread<F, V> {
    fn get(&mut self) -> &mut V {
        self.visitor.get_or_insert_with(|| (self.make)())
    }
}

impl<F: Clone, V> Clone for PerThread<F, V> {
    fn clone(&self) -> Self {
        PerThread {
            make: self.make.clone(),
            visitor: None,
        }
    }
}
