// Cohorts: the list and creating one; a cohort's page with its members (add, remove), editing and
// deleting it, and enrolling every member in a published course.

import { html, useState, useEffect } from '../lib/html.js';
import { api, ApiProblem } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { navigate, useRoute } from '../lib/router.js';
import { Page, Form, Field, Button, Notice, Loading, ErrorView, ConfirmDialog, formatDate, useAsync } from '../lib/ui.js';
import { WithOrg, AdminTabs, usePaged, fetchAll, TableWrap, localErrors, localProblem, problemText } from './common.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */
/** @typedef {import('../types/api').components['schemas']['CohortView']} CohortView */
/** @typedef {import('../types/api').components['schemas']['CohortMemberView']} CohortMemberView */
/** @typedef {import('../types/api').components['schemas']['MemberView']} MemberView */
/** @typedef {import('../types/api').components['schemas']['CourseSummary']} CourseSummary */
/** @typedef {import('../types/api').components['schemas']['CohortEnrollmentReport']} CohortEnrollmentReport */

export function CohortsView() {
  return html`<${Page} title=${t('admin.cohorts.title')}>
    <${AdminTabs} current="/admin/cohorts" />
    <${WithOrg}>${(/** @type {OrgView} */ org) => html`<${Cohorts} key=${org.id} org=${org} />`}</${WithOrg}>
  </${Page}>`;
}

/** @param {{ org: OrgView }} props */
function Cohorts({ org }) {
  const list = usePaged(
    (cursor) => api.get(`/orgs/${org.id}/cohorts`, { limit: 50, ...(cursor ? { cursor } : {}) }),
    [org.id],
  );
  const cohorts = /** @type {CohortView[]} */ (list.items);
  return html`
    <section aria-labelledby="cohort-create">
      <h2 id="cohort-create">${t('admin.cohorts.create_title')}</h2>
      <${CohortForm} org=${org} onSaved=${(/** @type {CohortView} */ c) => navigate(`/admin/cohorts/${c.id}`)} />
    </section>
    <section aria-labelledby="cohort-list">
      <h2 id="cohort-list">${t('admin.cohorts.list_title')}</h2>
      ${list.error ? html`<${ErrorView} problem=${list.error} />` : null}
      ${cohorts.length === 0 && !list.loading ? html`<p>${t('admin.cohorts.empty')}</p>` : null}
      ${cohorts.length > 0
        ? html`<${TableWrap} label=${t('admin.cohorts.list_title')}><table class="table">
          <thead><tr>
            <th scope="col">${t('admin.cohorts.name')}</th>
            <th scope="col">${t('admin.cohorts.description')}</th>
            <th scope="col">${t('admin.cohorts.members')}</th>
            <th scope="col">${t('admin.cohorts.created')}</th>
          </tr></thead>
          <tbody>${cohorts.map((c) => html`<tr key=${c.id}>
            <td><a href=${`#/admin/cohorts/${c.id}`}>${c.name}</a></td>
            <td>${c.description}</td>
            <td>${c.member_count}</td>
            <td>${formatDate(c.created_at)}</td>
          </tr>`)}</tbody>
        </table></${TableWrap}>`
        : null}
      ${list.loading ? html`<${Loading} />` : null}
      ${list.hasMore && !list.loading ? html`<${Button} type="button" kind="secondary" onClick=${list.loadMore}>${t('admin.common.load_more')}</${Button}>` : null}
    </section>
  `;
}

/**
 * Creates a cohort (with `org`) or edits one (with `cohort`).
 * @param {{ org?: OrgView, cohort?: CohortView, onSaved: (c: CohortView) => void }} props
 */
function CohortForm({ org, cohort, onSaved }) {
  const [name, setName] = useState(cohort ? cohort.name : '');
  const [description, setDescription] = useState(cohort ? cohort.description : '');
  const [problem, setProblem] = useState(/** @type {ApiProblem|null} */ (null));
  const [busy, setBusy] = useState(false);
  /** @param {Event} [e] */
  const submit = async (e) => {
    if (e && e.preventDefault) e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      /** @type {CohortView} */
      const saved = cohort
        ? await api.patch(`/cohorts/${cohort.id}`, { name, description })
        : await api.post(`/orgs/${org ? org.id : ''}/cohorts`, { name, description: description || undefined });
      onSaved(saved);
    } catch (err) {
      if (!(err instanceof ApiProblem)) throw err;
      setProblem(localProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const errors = localErrors(problem);
  const nameError = errors.name || (problem && problem.code === 'cohort_name_taken' ? t('admin.cohorts.name_taken') : undefined);
  return html`<${Form} onSubmit=${submit} problem=${problem}>
    <${Field} label=${t('admin.cohorts.name')} name="name" required value=${name} error=${nameError}
      onInput=${(/** @type {Event} */ e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
    <${Field} label=${t('admin.cohorts.description')} name="description" type="textarea" value=${description}
      error=${errors.description}
      onInput=${(/** @type {Event} */ e) => setDescription(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)} />
    <${Button} type="submit" disabled=${busy}>${cohort ? t('admin.cohorts.save') : t('admin.cohorts.create')}</${Button}>
  </${Form}>`;
}

export function CohortPage() {
  const { params } = useRoute();
  const id = params.id;
  const cohort = useAsync(() => api.get(`/cohorts/${id}`), [id]);
  /** @type {CohortView|null} */
  const data = cohort.data || null;
  return html`<${Page} title=${data ? t('admin.cohort.title', { name: data.name }) : t('admin.cohorts.title')}>
    <${AdminTabs} current="/admin/cohorts" />
    <p><a href="#/admin/cohorts">${t('admin.cohort.back')}</a></p>
    ${cohort.loading && !data ? html`<${Loading} />` : null}
    ${cohort.error ? html`<${ErrorView} problem=${cohort.error} />` : null}
    ${data ? html`<${Cohort} key=${data.id} cohort=${data} reload=${cohort.reload} />` : null}
  </${Page}>`;
}

/** @param {{ cohort: CohortView, reload: () => void }} props */
function Cohort({ cohort, reload }) {
  const members = useAsync(() => api.get(`/cohorts/${cohort.id}/members`), [cohort.id, cohort.member_count]);
  const [notice, setNotice] = useState(/** @type {{ kind: 'success'|'error', text: string }|null} */ (null));
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [removing, setRemoving] = useState(/** @type {CohortMemberView|null} */ (null));
  /** @type {CohortMemberView[]} */
  const inCohort = members.data || [];

  const remove = async () => {
    const member = removing;
    setRemoving(null);
    if (!member) return;
    try {
      await api.del(`/cohorts/${cohort.id}/members/${member.user_id}`);
      setNotice({ kind: 'success', text: t('admin.cohort.member_removed', { name: member.display_name || member.email }) });
      reload();
    } catch (e) {
      setNotice({ kind: 'error', text: problemText(e) });
    }
  };
  const destroy = async () => {
    setDeleting(false);
    try {
      await api.del(`/cohorts/${cohort.id}`);
      navigate('/admin/cohorts');
    } catch (e) {
      setNotice({ kind: 'error', text: problemText(e) });
    }
  };

  return html`
    ${notice ? html`<${Notice} kind=${notice.kind}>${notice.text}</${Notice}>` : null}
    <section aria-labelledby="cohort-about">
      <h2 id="cohort-about">${t('admin.cohort.about')}</h2>
      ${editing
        ? html`<${CohortForm} cohort=${cohort} onSaved=${() => { setEditing(false); reload(); }} />
          <${Button} type="button" kind="secondary" onClick=${() => setEditing(false)}>${t('admin.common.cancel')}</${Button}>`
        : html`<p>${cohort.description || t('admin.cohort.no_description')}</p>
          <p>${t('admin.cohort.member_count', { count: cohort.member_count })} · ${t('admin.cohort.created', { date: formatDate(cohort.created_at) })}</p>
          <div class="row">
            <${Button} type="button" kind="secondary" onClick=${() => setEditing(true)}>${t('admin.cohort.edit')}</${Button}>
            <${Button} type="button" kind="danger" onClick=${() => setDeleting(true)}>${t('admin.cohort.delete')}</${Button}>
          </div>`}
    </section>
    <section aria-labelledby="cohort-enroll">
      <h2 id="cohort-enroll">${t('admin.enroll.title')}</h2>
      <${EnrollForm} cohort=${cohort} members=${inCohort} />
    </section>
    <section aria-labelledby="cohort-members">
      <h2 id="cohort-members">${t('admin.cohort.members_title')}</h2>
      ${members.loading ? html`<${Loading} />` : null}
      ${members.error ? html`<${ErrorView} problem=${members.error} />` : null}
      ${!members.loading && inCohort.length === 0 ? html`<p>${t('admin.cohort.no_members')}</p>` : null}
      ${inCohort.length > 0
        ? html`<${TableWrap} label=${t('admin.cohort.members_title')}><table class="table">
          <thead><tr>
            <th scope="col">${t('admin.members.name')}</th>
            <th scope="col">${t('admin.members.email')}</th>
            <th scope="col">${t('admin.cohort.added')}</th>
            <th scope="col">${t('admin.members.actions')}</th>
          </tr></thead>
          <tbody>${inCohort.map((m) => html`<tr key=${m.user_id}>
            <td>${m.display_name}</td><td>${m.email}</td><td>${formatDate(m.added_at)}</td>
            <td><${Button} type="button" kind="secondary" aria-label=${t('admin.cohort.remove_who', { name: m.display_name || m.email })}
              onClick=${() => setRemoving(m)}>${t('admin.cohort.remove')}</${Button}></td>
          </tr>`)}</tbody>
        </table></${TableWrap}>`
        : null}
      <h3>${t('admin.cohort.add_title')}</h3>
      <${AddMembers} cohort=${cohort} present=${inCohort} onAdded=${(/** @type {number} */ n) => {
        setNotice({ kind: 'success', text: t('admin.cohort.added_count', { count: n }) });
        reload();
      }} />
    </section>
    ${removing
      ? html`<${ConfirmDialog} open=${true} title=${t('admin.cohort.remove_title')}
          message=${t('admin.cohort.remove_confirm', { name: removing.display_name || removing.email, cohort: cohort.name })}
          confirmLabel=${t('admin.cohort.remove')} cancelLabel=${t('admin.common.cancel')}
          danger=${true} onConfirm=${remove} onCancel=${() => setRemoving(null)} />`
      : null}
    ${deleting
      ? html`<${ConfirmDialog} open=${true} title=${t('admin.cohort.delete_title')}
          message=${t('admin.cohort.delete_confirm', { name: cohort.name })}
          confirmLabel=${t('admin.cohort.delete')} cancelLabel=${t('admin.common.cancel')}
          danger=${true} onConfirm=${destroy} onCancel=${() => setDeleting(false)} />`
      : null}
  `;
}

/**
 * Picks organization members who are not in the cohort yet and adds them.
 * @param {{ cohort: CohortView, present: CohortMemberView[], onAdded: (n: number) => void }} props
 */
function AddMembers({ cohort, present, onAdded }) {
  const all = useAsync(() => fetchAll(`/orgs/${cohort.org_id}/members`), [cohort.org_id]);
  const [chosen, setChosen] = useState(/** @type {Set<string>} */ (new Set()));
  const [filter, setFilter] = useState('');
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const inside = new Set(present.map((m) => m.user_id));
  /** @type {MemberView[]} */
  const candidates = (all.data || []).filter((/** @type {MemberView} */ m) => !inside.has(m.user_id));
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? candidates.filter((m) => m.email.toLowerCase().includes(needle) || m.display_name.toLowerCase().includes(needle))
    : candidates;

  /** @param {string} id */
  const toggle = (id) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id); else next.add(id);
    setChosen(next);
  };
  /** @param {Event} e */
  const submit = async (e) => {
    e.preventDefault();
    if (chosen.size === 0) return;
    setBusy(true);
    setProblem(null);
    try {
      await api.post(`/cohorts/${cohort.id}/members`, { user_ids: [...chosen] });
      const n = chosen.size;
      setChosen(new Set());
      onAdded(n);
    } catch (err) {
      setProblem(localProblem(err));
    } finally {
      setBusy(false);
    }
  };

  if (all.loading) return html`<${Loading} />`;
  if (all.error) return html`<${ErrorView} problem=${all.error} />`;
  if (candidates.length === 0) return html`<p>${t('admin.cohort.everyone_in')}</p>`;
  return html`<form onSubmit=${submit}>
    ${problem ? html`<${ErrorView} problem=${problem} />` : null}
    <div class="field">
      <label for="cohort-member-filter">${t('admin.cohort.filter')}</label>
      <input id="cohort-member-filter" type="search" value=${filter}
        onInput=${(/** @type {Event} */ e) => setFilter(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
    </div>
    <fieldset>
      <legend>${t('admin.cohort.pick')}</legend>
      ${shown.length === 0 ? html`<p>${t('admin.members.no_match')}</p>` : null}
      <ul style="list-style:none;padding:0;margin:0;max-height:20rem;overflow-y:auto">
        ${shown.map((m) => html`<li key=${m.user_id}>
          <label>
            <input type="checkbox" checked=${chosen.has(m.user_id)} onChange=${() => toggle(m.user_id)} />
            ${' '}${m.display_name} (${m.email})
          </label>
        </li>`)}
      </ul>
    </fieldset>
    <${Button} type="submit" disabled=${busy || chosen.size === 0}>
      ${t('admin.cohort.add_selected', { count: chosen.size })}
    </${Button}>
  </form>`;
}

/**
 * Enrolls the whole cohort in a published course.
 * @param {{ cohort: CohortView, members: CohortMemberView[] }} props
 */
function EnrollForm({ cohort, members }) {
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const courses = useAsync(() => api.get('/courses', { limit: 200, ...(query ? { q: query } : {}) }), [query]);
  const [courseId, setCourseId] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(/** @type {ApiProblem|null} */ (null));
  const [result, setResult] = useState(/** @type {{ report: CohortEnrollmentReport, title: string }|null} */ (null));
  // Platform-wide courses and the organization's own: another organization's course is not offered.
  /** @type {CourseSummary[]} */
  const list = courses.data
    ? courses.data.items.filter((/** @type {CourseSummary} */ c) => !c.org_id || c.org_id === cohort.org_id)
    : [];
  useEffect(() => {
    if (list.length > 0 && !list.some((c) => c.id === courseId)) setCourseId(list[0].id);
  }, [courses.data]);

  /** @param {Event} [e] */
  const submit = async (e) => {
    if (e && e.preventDefault) e.preventDefault();
    if (!courseId) return;
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      /** @type {CohortEnrollmentReport} */
      const report = await api.post(`/cohorts/${cohort.id}/enrollments`, { course_id: courseId });
      const course = list.find((c) => c.id === courseId);
      setResult({ report, title: course ? course.title : '' });
    } catch (err) {
      if (!(err instanceof ApiProblem)) throw err;
      setProblem(localProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const names = new Map(members.map((m) => [m.user_id, m.display_name || m.email]));
  return html`
    <p>${t('admin.enroll.explain')}</p>
    <form role="search" class="inline-form" style="margin-bottom:1rem"
      onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); setQuery(q.trim()); }}>
      <div class="field">
        <label for="enroll-course-search">${t('admin.enroll.search')}</label>
        <input id="enroll-course-search" type="search" value=${q}
          onInput=${(/** @type {Event} */ e) => setQ(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
      </div>
      <${Button} type="submit" kind="secondary">${t('admin.enroll.search_button')}</${Button}>
    </form>
    ${courses.error ? html`<${ErrorView} problem=${courses.error} />` : null}
    ${courses.loading ? html`<${Loading} />` : null}
    ${!courses.loading && list.length === 0 ? html`<p>${t('admin.enroll.no_courses')}</p>` : null}
    ${list.length > 0
      ? html`<${Form} onSubmit=${submit} problem=${problem}>
        <${Field} label=${t('admin.enroll.course')} name="course_id" type="select" value=${courseId}
          options=${list.map((c) => ({ value: c.id, label: `${c.title} (${c.language})` }))}
          error=${localErrors(problem).course_id}
          onChange=${(/** @type {Event} */ e) => setCourseId(/** @type {HTMLSelectElement} */ (e.currentTarget).value)} />
        <${Button} type="submit" disabled=${busy || !courseId}>${t('admin.enroll.submit')}</${Button}>
      </${Form}>`
      : null}
    ${result
      ? html`<${Notice} kind=${result.report.missing_prerequisites.length > 0 ? 'info' : 'success'}>
        ${t('admin.enroll.done', { course: result.title, enrolled: result.report.enrolled, already: result.report.already_enrolled })}
        ${result.report.missing_prerequisites.length > 0
          ? html`<br />${t('admin.enroll.missing', {
            names: result.report.missing_prerequisites.map((id) => names.get(id) || id).join(', '),
          })}`
          : null}
      </${Notice}>`
      : null}
  `;
}
