/** The open article's composition machinery: a spot runner and a composer bound to its editor. */
import type { Editor } from '@tiptap/core'
import { useEffect, useRef, useState } from 'react'
import { useClient } from '../api'
import type { Translate } from '../i18n'
import { useErrorText } from '../i18n/I18nProvider'
import { Composer } from './composer'
import { SpotRunner } from './spot-runner'
import { animationFrames } from './stream-into-editor'

export interface ComposeMachinery {
  composer: Composer
  spots: SpotRunner
}

/** Null until mounted (instances are made in an effect, so StrictMode's remount gets fresh ones). */
export function useComposer(editor: Editor, t: Translate, onTitle: (title: string) => void): ComposeMachinery | null {
  const client = useClient()
  const [machinery, setMachinery] = useState<ComposeMachinery | null>(null)
  const errorText = useErrorText()
  const tRef = useRef(t)
  const errorTextRef = useRef(errorText)
  const titleRef = useRef(onTitle)
  useEffect(() => {
    tRef.current = t
    errorTextRef.current = errorText
    titleRef.current = onTitle
  }, [t, errorText, onTitle])

  useEffect(() => {
    const live = () => (editor.isDestroyed ? null : editor)
    const messages = {
      noMatch: () => tRef.current('compose.spot.noMatch'),
      noText: () => tRef.current('compose.spot.noText'),
      stopped: () => tRef.current('compose.spot.stopped'),
      describe: (e: unknown) => errorTextRef.current(e),
    }
    const spots = new SpotRunner({ client, editor: live, messages })
    const composer = new Composer({ client, editor: live, spots, scheduler: animationFrames, onTitle: (title) => titleRef.current(title), messages })
    setMachinery({ composer, spots })
    return () => {
      composer.dispose()
      spots.dispose()
    }
  }, [client, editor])

  return machinery
}
