//! Whole-pack reading for full-history scans: every blob of a pack is
//! decoded exactly once by walking the pack's delta tree of blobs (each delta
//! base is inflated once and its children are applied to it), in parallel.
//! This beats looking objects up one by one, where a delta chain is
//! re-inflated whenever its base has left the cache. The commit walk reads
//! commits and trees from the same mappings ([`PackReader`]), whose resident
//! pages are released periodically ([`ObjectLayout::release_pages`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    /// Pack index files (`.idx`) of the repository's object directory, then of
    /// its alternates (`git clone --shared`/`--reference`), each sorted.
    pub packs: Vec<PathBuf>,
    /// The mapped index and data of each pack of `packs`, shared by the blob
    /// traversal and the commit walk (one mapping per file, not one per reader).
    pub files: Vec<PackFiles>,
    /// Objects stored in more than one pack, with the pack that reads them.
    pub owners: HashMap<ObjectId, usize>,
    /// Objects in no pack of `packs` (loose objects, here or in an alternate), sorted.
    pub rest: Vec<ObjectId>,
}

impl ObjectLayout {
    /// Whether pack `pack` is the one that reads object `id`.
    pub fn owns(&self, pack: usize, id: &ObjectId) -> bool {
        self.owners.get(id).is_none_or(|owner| *owner == pack)
    }
}

/// Lists the packs of `repo` (its own and its alternates') and every object
/// that is not in one of them. Unreadable indices and listing errors are
/// recorded in `errors`; their objects are read one by one instead.
pub fn object_layout(repo: &Repo, errors: &mut Vec<String>) -> Result<ObjectLayout, GitError> {
    let r = &repo.repo;
    let store = r.objects.store_ref();
    let mut object_dirs = vec![store.path().to_path_buf()];
    match store.alternate_db_paths() {
        Ok(alternates) => object_dirs.extend(alternates),
        Err(err) => errors.push(format!("alternates of {}: {err}", repo.name)),
    }
    let mut candidates = Vec::new();
    for dir in &object_dirs {
        candidates.extend(pack_indices(&dir.join("pack")));
    }

    let mut layout = ObjectLayout {
        repository: repo.name.clone(),
        object_hash: r.object_hash(),
        packs: Vec::new(),
        files: Vec::new(),
        owners: HashMap::new(),
        rest: Vec::new(),
    };
    let mut first_pack: gix::hashtable::HashMap<ObjectId, usize> = Default::default();
    for path in candidates {
        let mut maps = Vec::with_capacity(2);
        let index = match open_mapped(&path, &mut maps, |map| {
            pack::index::File::from_data(map, path.clone(), r.object_hash())
        }) {
            Ok(index) => index,
            Err(err) => {
                errors.push(format!("pack index {}: {err}", path.display()));
                continue;
            }
        };
        let pack_path = path.with_extension("pack");
        if !pack_path.is_file() {
            errors.push(format!("pack index {} has no pack file", path.display()));
            continue;
        }
        let data = match open_mapped(&pack_path, &mut maps, |map| {
            pack::data::File::from_data(map, pack_path.clone(), r.object_hash())
        }) {
            Ok(data) => data,
            Err(err) => {
                errors.push(format!("pack {}: {err}", pack_path.display()));
                continue;
            }
        };
        let pack = layout.packs.len();
        first_pack.reserve(index.num_objects() as usize);
        for entry in index.iter() {
            let owner = *first_pack.entry(entry.oid).or_insert(pack);
            if owner != pack {
                layout.owners.insert(entry.oid, owner);
            }
        }
        layout.packs.push(path);
        layout.files.push(PackFiles { index, data, maps });
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

/// The pack index files in `pack_dir`, sorted (none when it is unreadable).
fn pack_indices(pack_dir: &Path) -> Vec<PathBuf> {
    let mut indices: Vec<PathBuf> = std::fs::read_dir(pack_dir)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
                .collect()
        })
        .unwrap_or_default();
    indices.sort();
    indices
}

/// The ids of every object in pack `pack` that the pack owns (for reading a
/// pack one object at a time when its traversal failed).
pub fn pack_objects(layout: &ObjectLayout, pack: usize) -> Result<Vec<ObjectId>, GitError> {
    let index = &layout.files[pack].index;
    let mut ids: Vec<ObjectId> = index
        .iter()
        .map(|entry| entry.oid)
        .filter(|id| layout.owns(pack, id))
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Decodes every blob of pack `pack` once, on up to `threads` threads
/// (`None`: one per core), and hands each blob the pack owns to a visitor.
/// Every thread makes its own visitor with `make_visitor`.
///
/// Only blobs enter the delta tree: git deltas an object only against one of
/// its own kind, so commits, trees and tags (three quarters of a history's
/// objects) are never inflated here, and the tree stays small.
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
    let pack_path = index_path.with_extension("pack");
    let what = index_path.display().to_string();
    let (hash, name) = (layout.object_hash, &layout.repository);
    let failed = |err: &dyn std::fmt::Display| GitError::read(name, &what, err);
    let PackFiles { index, data, .. } = &layout.files[pack];
    let blobs = blob_entries(index, &pack_path).map_err(|err| failed(&err))?;
    let interrupt = AtomicBool::new(false);
    let tree = pack::cache::delta::Tree::from_offsets_in_pack(
        &pack_path,
        blobs.into_iter(),
        &|&entry: &u32| index.pack_offset_at_index(entry),
        &|id| {
            Ok(index
                .lookup(id)
                .map(|entry| index.pack_offset_at_index(entry)))
        },
        &mut gix::progress::Discard,
        &interrupt,
        hash,
    )
    .map_err(|err| failed(&err))?;
    let mut visitor = PerThread {
        make: make_visitor,
        visitor: None,
    };
    let inspect = move |entry: &mut u32,
                        _: &dyn gix::Progress,
                        context: pack::cache::delta::traverse::Context<'_>|
          -> gix::Result {
        if context.entry.header != pack::data::entry::Header::Blob {
            return Ok(());
        }
        let id = index.oid_at_index(*entry).to_owned();
        if layout.owns(pack, &id) {
            visitor.get()(&id, context.decompressed);
        }
        Ok(())
    };
    tree.traverse(
        |slice, data: &pack::data::File<Mapped>| data.entry_slice(slice),
        data,
        data.pack_end() as u64,
        inspect,
        pack::cache::delta::traverse::Options {
            object_progress: Box::new(gix::progress::Discard),
            size_progress: &mut gix::progress::Discard,
            thread_limit: threads,
            should_interrupt: &interrupt,
            object_hash: hash,
            alloc_limit_bytes: None,
        },
    )
    .map_err(|err| failed(&err))?;
    Ok(())
}

/// The index positions of the pack's blobs (plain or deltified), in pack
/// order. Entry headers are read through a buffer, not the mapping, so the
/// pass does not make the whole pack resident.
fn blob_entries(index: &pack::index::File<Mapped>, pack_path: &Path) -> std::io::Result<Vec<u32>> {
    use pack::data::entry::Header;
    let mut order: Vec<(u64, u32)> = (0..index.num_objects())
        .map(|entry| (index.pack_offset_at_index(entry), entry))
        .collect();
    order.sort_unstable();
    let position_of = |offset: u64| order.binary_search_by_key(&offset, |&(o, _)| o).ok();
    // Kind of each entry in pack order: 0 unknown yet, 1 blob, 2 other.
    let mut kinds = vec![0u8; order.len()];
    let mut pending: Vec<(usize, usize)> = Vec::new(); // (entry, its base) with the base later
    let mut reader = BufReader::with_capacity(64 * 1024, File::open(pack_path)?);
    let mut cursor = 0u64;
    let hash_len = index.object_hash().len_in_bytes();
    for (position, &(offset, _)) in order.iter().enumerate() {
        reader.seek_relative(offset as i64 - cursor as i64)?;
        let entry = pack::data::Entry::from_read(&mut reader, offset, hash_len)?;
        cursor = offset + entry.header_size() as u64;
        let base = match entry.header {
            Header::Blob => {
                kinds[position] = 1;
                continue;
            }
            Header::Commit | Header::Tree | Header::Tag => {
                kinds[position] = 2;
                continue;
            }
            Header::OfsDelta { base_distance } => {
                Header::verified_base_pack_offset(offset, base_distance).and_then(position_of)
            }
            Header::RefDelta { base_id } => index
                .lookup(base_id)
                .and_then(|entry| position_of(index.pack_offset_at_index(entry))),
        };
        match base {
            Some(base) if kinds[base] != 0 => kinds[position] = kinds[base],
            Some(base) => pending.push((position, base)),
            // A base outside the pack: leave it to the traversal to report.
            None => kinds[position] = 1,
        }
    }
    // Deltas whose base comes later in the pack (ref-deltas only).
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|&(position, base)| {
            kinds[position] = kinds[base];
            kinds[base] == 0
        });
        if pending.len() == before {
            for &(position, _) in &pending {
                kinds[position] = 1; // a cycle: the traversal reports it
            }
            break;
        }
    }
    // The tree builder reads its first entry without seeking, at the start of
    // the pack: the first entry stays in whatever its kind (the visitor skips it).
    Ok(order
        .iter()
        .zip(&kinds)
        .enumerate()
        .filter(|(position, (_, kind))| **kind == 1 || *position == 0)
        .map(|(_, (&(_, entry), _))| entry)
        .collect())
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

/// Maps `path`, keeps the map in `maps` (for page release) and parses it.
fn open_mapped<T, E: std::fmt::Display>(
    path: &Path,
    maps: &mut Vec<Mapped>,
    parse: impl FnOnce(Mapped) -> Result<T, E>,
) -> Result<T, String> {
    let map = Mapped::open(path).map_err(|err| err.to_string())?;
    maps.push(map.clone());
    parse(map).map_err(|err| err.to_string())
}

/// A read-only mapping of a pack or index file, shareable between readers.
#[derive(Clone)]
pub struct Mapped(Arc<memmap2::Mmap>);

impl Mapped {
    fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        // SAFETY: pack and index files are never modified in place (git
        // writes new files and renames them), and the mapping is read-only.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        Ok(Mapped(Arc::new(map)))
    }

    /// Drops this process's page-table entries for the mapping: the pages
    /// stay in the page cache, and a later read maps them again (a minor
    /// fault). Without this, a whole-history scan keeps every page of the
    /// pack it ever touched resident.
    fn release(&self) {
        #[cfg(unix)]
        // SAFETY: the mapping is a read-only file mapping that lives as long
        // as `self`, so it is never written and dropping its pages loses
        // nothing: reads see the file's content again.
        unsafe {
            let _ = self.0.unchecked_advise(memmap2::UncheckedAdvice::DontNeed);
        }
    }
}

impl std::ops::Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// A pack's mapped index and data.
pub struct PackFiles {
    /// The `.idx` file.
    pub index: pack::index::File<Mapped>,
    /// The `.pack` file.
    pub data: pack::data::File<Mapped>,
    /// Both mappings, for releasing their pages.
    maps: Vec<Mapped>,
}

impl std::fmt::Debug for PackFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackFiles")
            .field("pack", &self.data.path())
            .finish_non_exhaustive()
    }
}

impl ObjectLayout {
    /// Releases the resident pages of every mapped pack and index (they stay
    /// in the page cache); safe to call while other threads read them.
    pub fn release_pages(&self) {
        for files in &self.files {
            files.maps.iter().for_each(Mapped::release);
        }
    }
}

/// Reads objects from the layout's mapped packs (with a small delta-base
/// cache and a cache of whole commits and trees), falling back to the repository's object
/// database for objects in no pack of the layout. Single-threaded.
pub struct PackReader<'a> {
    layout: &'a ObjectLayout,
    fallback: &'a gix::Repository,
    state: RefCell<ReaderState>,
}

struct ReaderState {
    inflate: gix::zlib::Inflate,
    deltas: pack::cache::lru::MemoryCappedHashmap,
    objects: pack::cache::object::MemoryCappedHashmap,
}

impl<'a> PackReader<'a> {
    /// A reader over `layout`'s packs, with `fallback` for everything else.
    pub fn new(layout: &'a ObjectLayout, fallback: &'a gix::Repository) -> Self {
        PackReader {
            layout,
            fallback,
            state: RefCell::new(ReaderState {
                inflate: Default::default(),
                // Bounded by bytes, not entries: tree delta chains are long and
                // their bases small (32 MiB took 14 s of walk CPU down to 12 s on
                // rails, against a 64-entry list).
                deltas: pack::cache::lru::MemoryCappedHashmap::new(32 * 1024 * 1024),
                objects: pack::cache::object::MemoryCappedHashmap::new(32 * 1024 * 1024),
            }),
        }
    }
}

impl gix::objs::Find for PackReader<'_> {
    fn try_find<'b>(
        &self,
        id: &gix::oid,
        buffer: &'b mut Vec<u8>,
    ) -> gix::Result<Option<gix::objs::Data<'b>>> {
        use pack::cache::Object;
        let hash = self.layout.object_hash;
        let mut guard = self.state.borrow_mut();
        let state = &mut *guard;
        let id_owned = id.to_owned();
        if let Some(kind) = state.objects.get(&id_owned, buffer) {
            return Ok(Some(gix::objs::Data::new(buffer, kind, hash)));
        }
        for PackFiles { index, data, .. } in &self.layout.files {
            let Some(entry) = index.lookup(id) else {
                continue;
            };
            let entry = data.entry(index.pack_offset_at_index(entry))?;
            let outcome = data.decode_entry(
                entry,
                buffer,
                &mut state.inflate,
                &|base, _| {
                    index
                        .lookup(base)
                        .map(|base| {
                            data.entry(index.pack_offset_at_index(base))
                                .map(pack::data::decode::entry::ResolvedBase::InPack)
                        })
                        .transpose()
                },
                &mut state.deltas,
            )?;
            // The walk reads each commit up to three times (ordering, as itself,
            // as a parent) and a parent's tree right after its child's.
            if matches!(
                outcome.kind,
                gix::object::Kind::Tree | gix::object::Kind::Commit
            ) {
                state.objects.put(id_owned, outcome.kind, buffer);
            }
            return Ok(Some(gix::objs::Data::new(buffer, outcome.kind, hash)));
        }
        drop(guard);
        self.fallback.objects.try_find(id, buffer)
    }
}
